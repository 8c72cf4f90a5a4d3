package io.vigil.job;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of the Vigil job itself: which pattern files to load, where alerts go, and where the
 * secrets live that the connectors cannot yet read from the environment or a file themselves.
 */
public final class VigilJobOptions {

    private VigilJobOptions() {}

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("vigil")
                    .withDescription("Name of the Flink job, as shown in the web UI.");

    public static final ConfigOption<Duration> PATTERN_WATCH_INTERVAL =
            ConfigOptions.key("patterns.watch-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How often the running job reads its pattern files; a valid change"
                                    + " takes effect without a restart, an invalid one is"
                                    + " rejected. 0 turns watching off.");

    /** Where the sensor messages come from. */
    public enum SourceType {
        MQTT,
        KAFKA
    }

    public static final ConfigOption<SourceType> SOURCE_TYPE =
            ConfigOptions.key("source.type")
                    .enumType(SourceType.class)
                    .defaultValue(SourceType.MQTT)
                    .withDescription(
                            "mqtt: subscribe to the broker (mqtt.*); kafka: read the records an"
                                    + " MQTT-to-Kafka bridge wrote (kafka.*).");

    public static final ConfigOption<List<String>> PATTERN_FILES =
            ConfigOptions.key("patterns.files")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Pattern config files (YAML) or directories of them, validated before"
                                    + " the job is submitted.");

    public static final ConfigOption<Boolean> ALERTS_MQTT_ENABLED =
            ConfigOptions.key("alerts.mqtt.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Also publish alerts as JSON to alerts/{site}/{device}/{pattern} on"
                                    + " the source's broker.");

    public static final ConfigOption<String> ALERTS_MQTT_TOPIC_PREFIX =
            ConfigOptions.key("alerts.mqtt.topic-prefix")
                    .stringType()
                    .defaultValue("alerts")
                    .withDescription("First topic level of published alerts.");

    public static final ConfigOption<Duration> ALERTS_INFLUXDB_FLUSH_INTERVAL =
            ConfigOptions.key("alerts.influxdb.flush-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription(
                            "How often the alerts sink sends what it holds to InfluxDB (its"
                                    + " influxdb.batch.flush-interval): alerts are few and wanted"
                                    + " at once, aggregates and dead letters keep"
                                    + " influxdb.batch.flush-interval.");

    public static final ConfigOption<String> MQTT_TLS_TRUSTSTORE_PASSWORD_ENV =
            ConfigOptions.key("mqtt.tls.truststore.password-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the environment variable (where the job is submitted) that"
                                    + " holds the password of mqtt.tls.truststore.path.");

    public static final ConfigOption<String> MQTT_TLS_TRUSTSTORE_PASSWORD_FILE =
            ConfigOptions.key("mqtt.tls.truststore.password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a file (where the job is submitted) whose content, without"
                                    + " trailing line breaks, is the truststore password.");
}
