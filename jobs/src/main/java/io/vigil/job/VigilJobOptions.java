package io.vigil.job;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options of the Vigil job itself: which pattern files to load and where alerts go. */
public final class VigilJobOptions {

    private VigilJobOptions() {}

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name")
                    .stringType()
                    .defaultValue("vigil")
                    .withDescription("Name of the Flink job, as shown in the web UI.");

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
}
