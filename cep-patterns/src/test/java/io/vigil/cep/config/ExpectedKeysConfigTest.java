package io.vigil.cep.config;

import static io.vigil.cep.config.LoadFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code expected} keys of pattern files, as the loader reads and checks them. */
class ExpectedKeysConfigTest {

    private static final String SILENCE =
            """
            patterns:
              - name: quiet
                type: silence
                metrics: [sound]
                after: 2m
            """;

    @TempDir Path dir;

    @Test
    void aFileMayHoldOnlyExpectedKeys() {
        Path patterns = write("patterns.yaml", SILENCE);
        Path devices =
                write(
                        "devices.yaml",
                        """
                        # the microphones of plant-a
                        expected:
                          - plant-a/mic-01/sound
                          - plant-a/mic-02/sound
                        """);

        PatternConfig config = PatternConfigLoader.load(patterns, devices);

        assertThat(config.expected())
                .containsExactly(
                        new ExpectedKey("plant-a", "mic-01", "sound", devices.toString(), 3),
                        new ExpectedKey("plant-a", "mic-02", "sound", devices.toString(), 4));
    }

    @Test
    void reportsBadAndRepeatedKeysWithTheirLines() {
        Path file =
                write(
                        "patterns.yaml",
                        SILENCE
                                + """
                                expected:
                                  - plant-a/mic-01/sound
                                  - plant-a/mic-01
                                  - plant-a/mic-*/sound
                                  - plant-a//sound
                                  - 42
                                  - plant-a/mic-01/sound
                                """);

        PatternConfigException e = failure(file);

        String notAKey =
                "is not a key site/device/metric: three topic levels, none empty, without"
                        + " spaces, '+', '#', '*' or '?'";
        assertThat(e.errors())
                .extracting(ConfigError::pattern, ConfigError::field, ConfigError::message)
                .containsExactly(
                        tuple(null, "expected", "\"plant-a/mic-01\" " + notAKey + " (line 8)"),
                        tuple(null, "expected", "\"plant-a/mic-*/sound\" " + notAKey + " (line 9)"),
                        tuple(null, "expected", "\"plant-a//sound\" " + notAKey + " (line 10)"),
                        tuple(
                                null,
                                "expected",
                                "each entry must be a key site/device/metric (a string), found"
                                        + " the number 42 (line 11)"),
                        tuple(
                                null,
                                "expected",
                                "\"plant-a/mic-01/sound\" is listed twice, first at "
                                        + file
                                        + ":7 (line 12)"));
    }

    @Test
    void reportsAKeyThatNoSilencePatternWatches() {
        Path file =
                write(
                        "patterns.yaml",
                        SILENCE + "expected: [plant-a/mic-01/sound, plant-a/pump-1/temperature]\n");

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(ConfigError::file, ConfigError::field, ConfigError::message)
                .containsExactly(
                        tuple(
                                file,
                                "expected",
                                "\"plant-a/pump-1/temperature\" is watched by no silence pattern"
                                        + " (none has metric 'temperature' or \"*\"), so it could"
                                        + " never raise an alert (line 6)"));
    }

    @Test
    void filesWithoutAnyPatternAreAnError() {
        Path devices = write("devices.yaml", "expected: [plant-a/mic-01/sound]\n");

        PatternConfigException e = failure(devices);

        assertThat(e.errors())
                .extracting(ConfigError::toString)
                .containsExactly(
                        devices
                                + ": no patterns in any of the files; give at least one under"
                                + " 'patterns'");
    }

    @Test
    void expectedMustBeAList() {
        Path file = write("patterns.yaml", SILENCE + "expected: plant-a/mic-01/sound\n");

        assertThat(failure(file).errors())
                .extracting(ConfigError::message)
                .containsExactly(
                        "must be a list of keys site/device/metric, found the string"
                                + " \"plant-a/mic-01/sound\" (line 6)");
        assertThat(PatternConfigLoader.load(write("ok.yaml", SILENCE)).expected())
                .isEqualTo(List.of());
    }

    private Path write(String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
