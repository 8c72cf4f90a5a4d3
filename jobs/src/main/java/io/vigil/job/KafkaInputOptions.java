package io.vigil.job;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of the Kafka input ({@code source.type: kafka}): where the records of an MQTT-to-Kafka
 * bridge are, where in each record the MQTT topic is, and how to log in. Secrets come from an
 * environment variable or a file, read where the job is submitted.
 */
public final class KafkaInputOptions {

    private KafkaInputOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("host:port[,host:port...] of the Kafka cluster (required).");

    public static final ConfigOption<List<String>> TOPICS =
            ConfigOptions.key("kafka.topics")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription("Kafka topics to read; this or kafka.topic-pattern.");

    public static final ConfigOption<String> TOPIC_PATTERN =
            ConfigOptions.key("kafka.topic-pattern")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A Java regular expression: read every Kafka topic whose whole name"
                                    + " matches it, including topics created later; this or"
                                    + " kafka.topics.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("vigil")
                    .withDescription(
                            "Consumer group. Offsets live in Flink's checkpoints; they are also"
                                    + " committed to this group on every completed checkpoint"
                                    + " (for lag monitoring and for kafka.starting-offsets:"
                                    + " committed).");

    public static final ConfigOption<String> STARTING_OFFSETS =
            ConfigOptions.key("kafka.starting-offsets")
                    .stringType()
                    .defaultValue("committed")
                    .withDescription(
                            "Where a job that starts without a checkpoint or savepoint begins:"
                                    + " committed (the group's committed offsets, earliest where"
                                    + " it has none), earliest, latest, or timestamp:EPOCH_MS"
                                    + " (the first record at or after it). A restore always"
                                    + " continues from the checkpoint's offsets.");

    public static final ConfigOption<String> TOPIC_FROM =
            ConfigOptions.key("kafka.topic-from")
                    .stringType()
                    .defaultValue("key")
                    .withDescription(
                            "Where each record carries the MQTT topic: key (the record key as"
                                    + " UTF-8: EMQX with Message Key ${topic}, HiveMQ's Kafka"
                                    + " extension, the Kafka Connect MQTT source) or"
                                    + " header:NAME (the last header NAME, UTF-8).");

    public static final ConfigOption<String> SASL_MECHANISM =
            ConfigOptions.key("kafka.sasl.mechanism")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; unset: no SASL login.");

    public static final ConfigOption<String> SASL_USERNAME =
            ConfigOptions.key("kafka.sasl.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User of the SASL login.");

    public static final ConfigOption<String> SASL_PASSWORD_ENV =
            ConfigOptions.key("kafka.sasl.password-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the environment variable (where the job is submitted) that"
                                    + " holds the SASL password.");

    public static final ConfigOption<String> SASL_PASSWORD_FILE =
            ConfigOptions.key("kafka.sasl.password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a file (where the job is submitted) whose content, without"
                                    + " trailing line breaks, is the SASL password.");

    public static final ConfigOption<Boolean> TLS_ENABLED =
            ConfigOptions.key("kafka.tls.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Connect with TLS (security.protocol SSL, or SASL_SSL with a SASL"
                                    + " mechanism).");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PATH =
            ConfigOptions.key("kafka.tls.truststore.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Truststore with the brokers' CA (on the TaskManagers); unset: the"
                                    + " JVM's default trust.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_TYPE =
            ConfigOptions.key("kafka.tls.truststore.type")
                    .stringType()
                    .defaultValue("PKCS12")
                    .withDescription("PKCS12, JKS or PEM (a PEM file of CA certificates).");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD_ENV =
            ConfigOptions.key("kafka.tls.truststore.password-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the environment variable (where the job is submitted) that"
                                    + " holds the truststore's password.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD_FILE =
            ConfigOptions.key("kafka.tls.truststore.password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Path of a file holding the truststore's password.");

    public static final ConfigOption<String> TLS_KEYSTORE_PATH =
            ConfigOptions.key("kafka.tls.keystore.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Mutual TLS: keystore with the client's certificate and key (on the"
                                    + " TaskManagers).");

    public static final ConfigOption<String> TLS_KEYSTORE_TYPE =
            ConfigOptions.key("kafka.tls.keystore.type")
                    .stringType()
                    .defaultValue("PKCS12")
                    .withDescription("PKCS12 or JKS.");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD_ENV =
            ConfigOptions.key("kafka.tls.keystore.password-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the environment variable (where the job is submitted) that"
                                    + " holds the keystore's password (also used for the key).");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD_FILE =
            ConfigOptions.key("kafka.tls.keystore.password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Path of a file holding the keystore's password.");

    public static final ConfigOption<Boolean> TLS_HOSTNAME_VERIFICATION =
            ConfigOptions.key("kafka.tls.hostname-verification")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Check that the broker's certificate names the host.");
}
