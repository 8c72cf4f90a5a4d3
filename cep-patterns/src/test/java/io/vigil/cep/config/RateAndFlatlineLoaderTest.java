package io.vigil.cep.config;

import static io.vigil.cep.config.LoadFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.RateSpec.Direction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code rate} and {@code flatline} patterns as files give them, and their errors. */
class RateAndFlatlineLoaderTest {

    private static final Path DEFAULT_FILE = Path.of("patterns/default.yaml");
    private static final Path RATE_EXAMPLE = Path.of("patterns/examples/vibration-rate.yaml");
    private static final Path FLATLINE_EXAMPLE = Path.of("patterns/examples/stuck-sensor.yaml");

    @TempDir Path dir;

    @Test
    void theExampleFilesLoadBesideTheDefaults() {
        Map<Path, List<PatternSpec>> byFile =
                PatternConfigLoader.loadByFile(
                        List.of(DEFAULT_FILE, RATE_EXAMPLE, FLATLINE_EXAMPLE));

        assertThat(byFile.get(RATE_EXAMPLE))
                .containsExactly(
                        new RateSpec(
                                "vibration-rising-fast",
                                "warning",
                                List.of("vibration"),
                                0.5,
                                Duration.ofMinutes(1),
                                Duration.ofMinutes(5),
                                Direction.RISING,
                                5,
                                new AlertSettings(
                                        Duration.ofMinutes(2), Duration.ZERO, null, null, null)));
        assertThat(byFile.get(FLATLINE_EXAMPLE))
                .containsExactly(
                        new FlatlineSpec(
                                "stuck-sensor",
                                "warning",
                                List.of("temperature", "humidity"),
                                0.01,
                                10,
                                Duration.ofMinutes(15),
                                Duration.ofMinutes(5),
                                AlertSettings.DEFAULTS));
    }

    @Test
    void fillsInTheDefaults() {
        PatternConfig config =
                PatternConfigLoader.load(
                        write(
                                """
                                patterns:
                                  - name: fast
                                    type: rate
                                    metrics: [vibration]
                                    max-rate: 2
                                    over: 30s
                                  - name: frozen
                                    type: flatline
                                    metrics: ["*"]
                                    for: 10m
                                """));

        assertThat(config.patterns())
                .containsExactly(
                        new RateSpec(
                                "fast",
                                "warning",
                                List.of("vibration"),
                                2.0,
                                Duration.ofMinutes(1),
                                Duration.ofSeconds(30),
                                Direction.RISING,
                                2,
                                AlertSettings.DEFAULTS),
                        new FlatlineSpec(
                                "frozen",
                                "warning",
                                List.of("*"),
                                0.0,
                                null,
                                Duration.ofMinutes(10),
                                Duration.ofHours(1),
                                AlertSettings.DEFAULTS));
    }

    @Test
    void reportsEachMistakeWithItsFilePatternFieldAndLine() {
        Path file =
                write(
                        """
                        patterns:
                          - name: a
                            type: rate
                            metrics: [vibration]
                            max-rate: 0
                            direction: up
                            min-events: 1
                          - name: b
                            type: rate
                            metrics: [vibration]
                            max-rate: "2"
                            per: 60
                            over: 5m
                          - name: c
                            type: flatline
                            metrics: [temperature]
                            epsilon: -0.1
                          - name: d
                            type: flatline
                            metrics: [temperature]
                            min_events: 5
                            for: 0s
                            max-gap: 1x
                        """);

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(
                        ConfigError::file,
                        ConfigError::pattern,
                        ConfigError::field,
                        LoadFailures::line)
                .containsExactly(
                        tuple(file, "a", "over", 2),
                        tuple(file, "a", "max-rate", 5),
                        tuple(file, "a", "direction", 6),
                        tuple(file, "a", "min-events", 7),
                        tuple(file, "b", "max-rate", 11),
                        tuple(file, "b", "per", 12),
                        tuple(file, "c", "min-events", 14),
                        tuple(file, "c", "epsilon", 17),
                        tuple(file, "d", "min_events", 21),
                        tuple(file, "d", "for", 22),
                        tuple(file, "d", "max-gap", 23));
        assertThat(e.errors())
                .extracting(ConfigError::toString)
                .contains(
                        file
                                + ": pattern 'a': field 'over': missing; a 'rate' pattern needs it"
                                + " (line 2)",
                        file + ": pattern 'a': field 'max-rate': must be above 0, found 0 (line 5)",
                        file
                                + ": pattern 'a': field 'direction': must be one of rising,"
                                + " falling, either, found up (line 6)",
                        file
                                + ": pattern 'c': field 'min-events': missing; a 'flatline'"
                                + " pattern needs 'min-events' (how many readings), 'for' (how"
                                + " long), or both (line 14)",
                        file
                                + ": pattern 'c': field 'epsilon': must be 0 or more, found -0.1"
                                + " (line 17)");
        assertThat(e.errors().get(3).message()).contains("must be at least 2");
        assertThat(e.errors().get(4).message()).contains("remove the quotes");
        assertThat(e.errors().get(5).message()).contains("with a unit, e.g. 60s");
        assertThat(e.errors().get(8).message()).contains("did you mean 'min-events'?");
        assertThat(e.errors().get(9).message()).contains("longer than zero");
    }

    private Path write(String yaml) {
        try {
            return Files.writeString(dir.resolve("patterns.yaml"), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
