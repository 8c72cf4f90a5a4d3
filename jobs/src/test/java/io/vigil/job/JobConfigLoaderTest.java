package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigLoaderTest {

    private final JobConfigLoader loader =
            new JobConfigLoader(
                    Set.of(
                                    "mqtt.broker-uri",
                                    "mqtt.topics",
                                    "analytics.window-size",
                                    "mqtt.password",
                                    "patterns.files")
                            ::contains,
                    Set.of("mqtt.password"));

    @TempDir Path dir;

    @Test
    void readsNestedAndDottedKeysAndLists() throws Exception {
        Path file =
                write(
                        "mqtt:\n"
                                + "  broker-uri: tcp://127.0.0.1:1883\n"
                                + "  topics: [sensors/#, other/#]\n"
                                + "analytics.window-size: 30s\n");

        Map<String, String> values = loader.load(file, List.of());

        assertThat(values)
                .containsEntry("mqtt.broker-uri", "tcp://127.0.0.1:1883")
                .containsEntry("mqtt.topics", "sensors/#;other/#")
                .containsEntry("analytics.window-size", "30s")
                .hasSize(3);
    }

    @Test
    void commandLineOverridesTheFile() throws Exception {
        Path file = write("analytics:\n  window-size: 30s\n");

        Map<String, String> values =
                loader.load(
                        file,
                        List.of(
                                "--analytics.window-size",
                                "2m",
                                "--mqtt.broker-uri=ssl://broker:8883"));

        assertThat(values)
                .containsEntry("analytics.window-size", "2m")
                .containsEntry("mqtt.broker-uri", "ssl://broker:8883");
    }

    @Test
    void unknownKeysAreErrorsNamingFileAndKey() throws Exception {
        Path file = write("mqtt:\n  broker_uri: tcp://x:1883\n");

        assertThatThrownBy(() -> loader.load(file, List.of("--analytics.windowsize", "1m")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(file + ": unknown key 'mqtt.broker_uri'")
                .hasMessageContaining("command line: unknown key 'analytics.windowsize'");
    }

    @Test
    void secretsAreRefusedInTheFileAndOnTheCommandLine() throws Exception {
        Path file = write("mqtt:\n  password: hunter2\n");

        assertThatThrownBy(() -> loader.load(file, List.of("--mqtt.password", "hunter2")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(file + ": 'mqtt.password' is a secret")
                .hasMessageContaining("command line: 'mqtt.password' is a secret")
                .hasMessageContaining("mqtt.password-env")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void malformedYamlNamesTheFile() throws Exception {
        Path file = write("mqtt: [unclosed\n");

        assertThatThrownBy(() -> loader.load(file, List.of()))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(file + ": not valid YAML");
    }

    @Test
    void missingFileIsAClearError() {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> loader.load(missing, List.of()))
                .isInstanceOf(JobConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void overrideWithoutValueIsAnError() {
        assertThatThrownBy(() -> loader.load(null, List.of("--mqtt.broker-uri")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining("--mqtt.broker-uri needs a value");
        assertThatThrownBy(() -> loader.load(null, List.of("mqtt.broker-uri")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining("expected --key value");
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("vigil.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
