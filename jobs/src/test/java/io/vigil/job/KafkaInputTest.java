package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaInputTest {

    private static final String DEFAULT_PATTERNS = "../cep-patterns/patterns/default.yaml";
    private static final String SECRET = "kafka-Pw \"quoted\" \\ 9c1d";

    @TempDir Path dir;

    @Test
    void aKafkaJobLoadsWithoutAnMqttBrokerWhenAlertsStayOffMqtt() throws Exception {
        JobSetup setup =
                JobSetup.fromArgs(
                        args(
                                "--source.type", "kafka",
                                "--kafka.bootstrap-servers", "127.0.0.1:9092",
                                "--kafka.topics", "mqtt-sensors",
                                "--alerts.mqtt.enabled", "false"));

        assertThat(setup.config().get(VigilJobOptions.SOURCE_TYPE))
                .isEqualTo(VigilJobOptions.SourceType.KAFKA);
        assertThat(KafkaInput.source(setup.config(), name -> null)).isNotNull();
    }

    @Test
    void everyProblemOfTheKafkaSettingsIsReportedWithItsKey() {
        assertThatThrownBy(
                        () ->
                                JobSetup.fromArgs(
                                        args(
                                                "--source.type", "KAFKA",
                                                "--kafka.topics", "a",
                                                "--kafka.topic-pattern", "b.*",
                                                "--kafka.starting-offsets", "yesterday",
                                                "--kafka.topic-from", "value",
                                                "--kafka.sasl.mechanism", "GSSAPI",
                                                "--kafka.sasl.password-env", "X",
                                                "--kafka.sasl.password-file", "/x")))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining("command line: 'kafka.bootstrap-servers' is required")
                .hasMessageContaining("exactly one of 'kafka.topics' and 'kafka.topic-pattern'")
                .hasMessageContaining("'kafka.starting-offsets' must be committed, earliest")
                .hasMessageContaining("'kafka.topic-from' must be key or header:NAME")
                .hasMessageContaining("'kafka.sasl.mechanism' must be one of PLAIN")
                .hasMessageContaining("'kafka.sasl.username' is required")
                .hasMessageContaining(
                        "'kafka.sasl.password-file' cannot be set together with"
                                + " 'kafka.sasl.password-env'")
                .hasMessageContaining("'alerts.mqtt.enabled' is true (the default)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSaslPasswordIsRefusedInTheConfigAndComesFromTheEnvironmentOrAFile() throws Exception {
        assertThatThrownBy(() -> JobSetup.fromArgs(args("--kafka.sasl.password", SECRET)))
                .isInstanceOf(JobConfigException.class)
                .hasMessageContaining("'kafka.sasl.password' is a secret")
                .hasMessageNotContaining(SECRET);

        Path file = Files.writeString(dir.resolve("kafka-password"), SECRET + "\n");
        for (String[] where :
                List.of(
                        new String[] {"--kafka.sasl.password-env", "VIGIL_KAFKA_PASSWORD"},
                        new String[] {"--kafka.sasl.password-file", file.toString()})) {
            Configuration config =
                    JobSetup.fromArgs(
                                    args(
                                            "--source.type",
                                            "kafka",
                                            "--kafka.bootstrap-servers",
                                            "127.0.0.1:9092",
                                            "--kafka.topics",
                                            "t",
                                            "--alerts.mqtt.enabled",
                                            "false",
                                            "--kafka.sasl.mechanism",
                                            "scram-sha-256",
                                            "--kafka.sasl.username",
                                            "vigil",
                                            where[0],
                                            where[1]))
                            .config();

            Properties properties =
                    KafkaInput.securityProperties(
                            config, Map.of("VIGIL_KAFKA_PASSWORD", SECRET)::get);

            assertThat(properties)
                    .containsEntry("security.protocol", "SASL_PLAINTEXT")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-256");
            // Kafka's own JAAS parser reads back exactly the user and the password.
            Map<String, Object> options =
                    (Map<String, Object>)
                            JaasContext.loadClientContext(
                                            Map.of(
                                                    "sasl.jaas.config",
                                                    new Password(
                                                            properties.getProperty(
                                                                    "sasl.jaas.config"))))
                                    .configurationEntries()
                                    .get(0)
                                    .getOptions();
            assertThat(options)
                    .containsEntry("username", "vigil")
                    .containsEntry("password", SECRET);
            assertThat(config.toMap().values()).noneMatch(v -> v.contains("9c1d"));
        }
    }

    @Test
    void tlsSettingsBecomeTheConsumersSslSettings() throws Exception {
        Path file = Files.writeString(dir.resolve("store-password"), "store-secret");
        Configuration config = new Configuration();
        config.set(KafkaInputOptions.TLS_ENABLED, true);
        config.set(KafkaInputOptions.TLS_TRUSTSTORE_PATH, "/etc/ca.pem");
        config.set(KafkaInputOptions.TLS_TRUSTSTORE_TYPE, "PEM");
        config.set(KafkaInputOptions.TLS_KEYSTORE_PATH, "/etc/client.p12");
        config.set(KafkaInputOptions.TLS_KEYSTORE_PASSWORD_FILE, file.toString());
        config.set(KafkaInputOptions.TLS_HOSTNAME_VERIFICATION, false);

        Properties properties = KafkaInput.securityProperties(config, name -> null);

        assertThat(properties)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.location", "/etc/ca.pem")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.keystore.location", "/etc/client.p12")
                .containsEntry("ssl.keystore.type", "PKCS12")
                .containsEntry("ssl.keystore.password", "store-secret")
                .containsEntry("ssl.key.password", "store-secret")
                .containsEntry("ssl.endpoint.identification.algorithm", "")
                .doesNotContainKey("ssl.truststore.password");
    }

    @Test
    void aMissingPasswordVariableIsNamedButNoValueIsShown() {
        Configuration config = new Configuration();
        config.set(KafkaInputOptions.SASL_MECHANISM, "PLAIN");
        config.set(KafkaInputOptions.SASL_USERNAME, "vigil");
        config.set(KafkaInputOptions.SASL_PASSWORD_ENV, "VIGIL_KAFKA_PASSWORD");

        assertThatThrownBy(() -> KafkaInput.securityProperties(config, name -> null))
                .hasMessage(
                        "Environment variable VIGIL_KAFKA_PASSWORD named by"
                                + " kafka.sasl.password-env is not set");
    }

    private static String[] args(String... extra) {
        List<String> all = new ArrayList<>(List.of("--patterns.files", DEFAULT_PATTERNS));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }
}
