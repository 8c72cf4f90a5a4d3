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
                    key ->
                            Set.of(
                                                    "mqtt.broker-uri",
                                                    "mqtt.topics",
                                                    "analytics.window-size",
                                                    "mqtt.password",
                                                    "mqtt.qos",
                                                    "patterns.files")
                                            .contains(key)
                                    || key.startsWith("execution."),
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
    void nestedKeysOfFlinkNamespacesAreFlattenedToDottedKeys() throws Exception {
        Path file =
                write(
                        "execution:\n"
                                + "  checkpointing:\n"
                                + "    interval: 1min\n"
                                + "    dir: file:///tmp/cp\n"
                                + "mqtt:\n"
                                + "  qos: 1\n");

        Map<String, String> values = loader.load(file, List.of());

        assertThat(values)
                .containsEntry("execution.checkpointing.interval", "1min")
                .containsEntry("execution.checkpointing.dir", "file:///tmp/cp")
                .containsEntry("mqtt.qos", "1")
                .doesNotContainKey("execution.checkpointing")
                .hasSize(3);
    }

    @Test
    void anchorsAndAliasesResolveToTheAnchoredValue() throws Exception {
        Path file =
                write(
                        "defaults:\n"
                                + "  qos: &q 2\n"
                                + "  checkpointing: &cp {interval: 30s}\n"
                                + "mqtt.qos: *q\n"
                                + "execution:\n"
                                + "  checkpointing: *cp\n");
        JobConfigLoader withDefaults =
                new JobConfigLoader(
                        key ->
                                key.equals("mqtt.qos")
                                        || key.startsWith("execution.")
                                        || key.startsWith("defaults."),
                        Set.of());

        Map<String, String> values = withDefaults.load(file, List.of());

        assertThat(values)
                .containsEntry("mqtt.qos", "2")
                .containsEntry("execution.checkpointing.interval", "30s");
    }

    @Test
    void anUndefinedAliasIsAnErrorNamingTheFileAndLine() throws Exception {
        Path file = write("mqtt:\n  broker-uri: tcp://x:1883\n  qos: *q\n");

        assertThatThrownBy(() -> loader.load(file, List.of()))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(file + ": not valid YAML: line 3")
                .hasMessageContaining("undefined alias");
    }

    @Test
    void aMappingUnderAKeyThatTakesOneValueIsAnErrorNamingTheKey() throws Exception {
        Path file = write("mqtt:\n  qos: {level: 1}\n");

        assertThatThrownBy(() -> loader.load(file, List.of()))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(file + ":2")
                .hasMessageContaining("'mqtt.qos'")
                .hasMessageContaining("a single value");
    }

    @Test
    void everyKeyThatLooksLikeASecretIsRefusedWithoutEchoingItsValue() throws Exception {
        JobConfigLoader acceptingAll = new JobConfigLoader(key -> true, Set.of());
        Path file =
                write(
                        "mqtt:\n"
                                + "  tls:\n"
                                + "    truststore:\n"
                                + "      password: changeit\n"
                                + "      password-env: VIGIL_TRUSTSTORE_PASSWORD\n"
                                + "metrics.reporter.prom.api-key: k3y-value\n");

        assertThatThrownBy(
                        () ->
                                acceptingAll.load(
                                        file,
                                        List.of(
                                                "--mqtt.tls.truststore.password=changeit",
                                                "--influxdb.token",
                                                "t0ken-value",
                                                "--some.client-secret",
                                                "s3cret-value")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(file + ": 'mqtt.tls.truststore.password' is a secret")
                .hasMessageContaining("'mqtt.tls.truststore.password-env'")
                .hasMessageContaining(file + ": 'metrics.reporter.prom.api-key' is a secret")
                .hasMessageContaining("command line: 'mqtt.tls.truststore.password' is a secret")
                .hasMessageContaining("command line: 'influxdb.token' is a secret")
                .hasMessageContaining("command line: 'some.client-secret' is a secret")
                .hasMessageNotContaining("changeit")
                .hasMessageNotContaining("k3y-value")
                .hasMessageNotContaining("t0ken-value")
                .hasMessageNotContaining("s3cret-value")
                .hasMessageNotContaining("password-env' is a secret");
    }

    @Test
    void aUrlWithAPasswordInItsUserInfoIsRefusedWithoutEchoingIt() throws Exception {
        Path file = write("mqtt.broker-uri: tcp://vigil:hunter2@broker:1883\n");

        assertThatThrownBy(
                        () ->
                                loader.load(
                                        file,
                                        List.of("--mqtt.topics", "a;ssl://u:pa55word@host:8883")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(file + ": 'mqtt.broker-uri' has a URL with a password")
                .hasMessageContaining("command line: 'mqtt.topics' has a URL with a password")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("pa55word");
        assertThat(loader.load(null, List.of("--mqtt.broker-uri", "tcp://vigil@broker:1883")))
                .containsEntry("mqtt.broker-uri", "tcp://vigil@broker:1883");
    }

    @Test
    void keysNamingWhereASecretLivesAreNotSecrets() {
        assertThat(JobConfigLoader.looksLikeSecret("mqtt.tls.truststore.password")).isTrue();
        assertThat(JobConfigLoader.looksLikeSecret("influxdb.token")).isTrue();
        assertThat(JobConfigLoader.looksLikeSecret("mqtt.password-env")).isFalse();
        assertThat(JobConfigLoader.looksLikeSecret("influxdb.token-file")).isFalse();
        assertThat(JobConfigLoader.looksLikeSecret("mqtt.tls.client-key-file")).isFalse();
        assertThat(JobConfigLoader.looksLikeSecret("mqtt.tls.truststore.path")).isFalse();
    }

    @Test
    void errorsNeverRepeatAValueThatMayBeASecret() throws Exception {
        Path unclosed = write("mqtt:\n  tls.truststore.password: \"changeit\n  qos: 1\n");

        assertThatThrownBy(() -> loader.load(unclosed, List.of()))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(unclosed + ": not valid YAML")
                .hasMessageNotContaining("changeit");
        assertThatThrownBy(() -> loader.load(null, List.of("--mqtt.password-env=X", "hunter2")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining("expected --key value")
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
