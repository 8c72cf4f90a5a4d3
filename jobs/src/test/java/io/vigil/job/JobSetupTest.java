package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;

class JobSetupTest {

    private static final Path EXAMPLE = Path.of("vigil.example.yaml");
    private static final String DEFAULT_PATTERNS = "../cep-patterns/patterns/default.yaml";

    /**
     * The job's own default is the shipped cluster's: the MQTT source's flow control is sized for
     * it (docs/mqtt-source.md, "Flow control").
     */
    @Test
    void alertsGoToInfluxDbAtTheirOwnFlushIntervalNotTheBatchOne() {
        org.apache.flink.configuration.Configuration config =
                new org.apache.flink.configuration.Configuration();
        config.set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofSeconds(5));

        assertThat(
                        SensorAnalyticsJob.alertSinkConfig(config)
                                .get(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL))
                .isEqualTo(Duration.ofMillis(100));
        assertThat(config.get(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL))
                .as("the other sinks' setting")
                .isEqualTo(Duration.ofSeconds(5));

        config.set(VigilJobOptions.ALERTS_INFLUXDB_FLUSH_INTERVAL, Duration.ofSeconds(2));
        assertThat(
                        SensorAnalyticsJob.alertSinkConfig(config)
                                .get(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theDefaultCheckpointIntervalIsTheShippedFlinkConfs() {
        assertThat(SensorAnalyticsJob.DEFAULT_CHECKPOINT_INTERVAL)
                .isEqualTo(
                        GlobalConfiguration.loadConfiguration("../flink-conf")
                                .get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
    }

    @Test
    void theShippedExampleLoads() throws Exception {
        JobSetup setup =
                JobSetup.fromArgs(
                        new String[] {
                            "--config", EXAMPLE.toString(), "--patterns.files", DEFAULT_PATTERNS
                        });

        assertThat(setup.config().get(MqttSourceOptions.BROKER_URIS))
                .containsExactly("tcp://localhost:1883");
        assertThat(setup.config().get(InfluxDbSinkOptions.DATABASE)).isEqualTo("vigil");
        assertThat(setup.patterns().patterns()).hasSize(3);
    }

    @Test
    void theExampleShowsEveryKeyOfTheJob() throws Exception {
        String example = Files.readString(EXAMPLE);
        List<String> missing =
                JobSetup.vigilKeys().stream()
                        // Secret keys are refused; the example shows their -env and -file forms.
                        .filter(key -> !JobSetup.SECRET_KEYS.contains(key))
                        .filter(
                                key ->
                                        !Pattern.compile("(?m)^#?\\s*" + Pattern.quote(key) + ":")
                                                .matcher(example)
                                                .find())
                        .sorted()
                        .toList();

        assertThat(missing).as("keys missing from %s", EXAMPLE).isEmpty();
    }

    @Test
    void defaultsTopicsAndClientId() throws Exception {
        JobSetup setup = JobSetup.fromArgs(new String[] {"--patterns.files", DEFAULT_PATTERNS});

        assertThat(setup.config().get(MqttSourceOptions.TOPIC_FILTERS))
                .containsExactly("sensors/#");
        assertThat(setup.config().get(MqttSourceOptions.CLIENT_ID_PREFIX)).isEqualTo("vigil");
        // No interval of its own: the cluster's, or SensorAnalyticsJob's default, applies.
        assertThat(setup.config().contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isFalse();
    }

    @Test
    void flinkKeysPassThroughAndUnknownVigilKeysAreErrors() throws Exception {
        JobSetup setup =
                JobSetup.fromArgs(
                        new String[] {
                            "--patterns.files",
                            DEFAULT_PATTERNS,
                            "--execution.checkpointing.interval",
                            "3s"
                        });
        assertThat(setup.config().get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(3));

        assertThatThrownBy(
                        () ->
                                JobSetup.fromArgs(
                                        new String[] {
                                            "--patterns.files", DEFAULT_PATTERNS,
                                            "--mqtt.qoss", "1",
                                            "--checkpoint.interval", "1s"
                                        }))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining("unknown key 'mqtt.qoss'")
                .hasMessageContaining("unknown key 'checkpoint.interval'");
    }

    @Test
    void aBadPatternFileNamesFilePatternAndField() throws Exception {
        Path broken = Files.createTempFile("patterns", ".yaml");
        Files.writeString(
                broken,
                "patterns:\n  - name: loud\n    type: burst\n    metrics: [sound]\n"
                        + "    threshold: loud\n    min-events: 3\n    within: 10s\n");

        assertThatThrownBy(
                        () ->
                                JobSetup.fromArgs(
                                        new String[] {"--patterns.files", broken.toString()}))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("pattern 'loud'")
                .hasMessageContaining("field 'threshold'");
    }

    @Test
    void secretsAreRefused() {
        assertRefusedAsSecret("influxdb.token", "s3cr3t");
    }

    /** The setting is refused as a secret, and the message does not show its value. */
    private static void assertRefusedAsSecret(String key, String value) {
        assertThatThrownBy(
                        () ->
                                JobSetup.fromArgs(
                                        new String[] {
                                            "--patterns.files", DEFAULT_PATTERNS, "--" + key, value
                                        }))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining("'" + key + "' is a secret")
                .hasMessageNotContaining(value);
    }

    @Test
    void theTruststorePasswordIsRefusedAndComesFromTheEnvironmentOrAFile() throws Exception {
        assertRefusedAsSecret("mqtt.tls.truststore.password", "changeit");
        Path secret = Files.createTempFile("truststore", ".password");
        Files.writeString(secret, "changeit\n");

        JobSetup setup =
                JobSetup.fromArgs(
                        new String[] {
                            "--patterns.files",
                            DEFAULT_PATTERNS,
                            "--mqtt.tls.truststore.password-file",
                            secret.toString()
                        });

        assertThat(setup.config().get(VigilJobOptions.MQTT_TLS_TRUSTSTORE_PASSWORD_FILE))
                .isEqualTo(secret.toString());
        assertThat(setup.config().toMap()).doesNotContainValue("changeit");
        assertThat(
                        SensorAnalyticsJob.withTruststorePassword(setup.config(), name -> null)
                                .get(MqttSourceOptions.TLS_TRUSTSTORE_PASSWORD))
                .isEqualTo("changeit");
    }
}
