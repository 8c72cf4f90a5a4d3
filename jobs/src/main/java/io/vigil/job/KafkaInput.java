package io.vigil.job;

import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import io.vigil.connectors.mqtt.connection.MqttSecrets;
import io.vigil.model.RawMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Kafka input of the job ({@code source.type: kafka}): Flink's own {@link KafkaSource}, with
 * the settings of {@link KafkaInputOptions} and {@link KafkaRawMessages} to read what MQTT-to-Kafka
 * bridges write.
 *
 * <p>Offsets are part of Flink's checkpoints; a restore continues from them, whatever was committed
 * to the consumer group. Secrets are read here, where the job is submitted, and go into the
 * source's consumer properties only (never into the job's configuration, which the REST API shows);
 * Kafka's client logs those properties with passwords hidden.
 *
 * <pre>{@code
 * KafkaSource<RawMessage> source = KafkaInput.source(config, System::getenv);
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka sensors");
 * }</pre>
 */
public final class KafkaInput {

    private static final List<String> SASL_MECHANISMS =
            List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private KafkaInput() {}

    /** Every problem of the Kafka settings, each naming its key; empty when they are usable. */
    public static List<String> check(Configuration config) {
        List<String> errors = new ArrayList<>();
        if (config.getOptional(KafkaInputOptions.BOOTSTRAP_SERVERS).orElse("").isBlank()) {
            errors.add(
                    String.format(
                            "'%s' is required with %s: kafka",
                            KafkaInputOptions.BOOTSTRAP_SERVERS.key(),
                            VigilJobOptions.SOURCE_TYPE.key()));
        }
        boolean topics = !config.getOptional(KafkaInputOptions.TOPICS).orElse(List.of()).isEmpty();
        Optional<String> pattern = config.getOptional(KafkaInputOptions.TOPIC_PATTERN);
        if (topics == pattern.isPresent()) {
            errors.add(
                    String.format(
                            "exactly one of '%s' and '%s' is required with %s: kafka",
                            KafkaInputOptions.TOPICS.key(),
                            KafkaInputOptions.TOPIC_PATTERN.key(),
                            VigilJobOptions.SOURCE_TYPE.key()));
        }
        if (pattern.isPresent()) {
            try {
                Pattern.compile(pattern.get());
            } catch (PatternSyntaxException e) {
                errors.add(
                        String.format(
                                "'%s' is not a regular expression: %s",
                                KafkaInputOptions.TOPIC_PATTERN.key(), e.getDescription()));
            }
        }
        try {
            startingOffsets(config.get(KafkaInputOptions.STARTING_OFFSETS));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        try {
            KafkaRawMessages.forSetting(config.get(KafkaInputOptions.TOPIC_FROM));
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        checkSasl(config, errors);
        checkBoth(
                config,
                KafkaInputOptions.TLS_TRUSTSTORE_PASSWORD_ENV,
                KafkaInputOptions.TLS_TRUSTSTORE_PASSWORD_FILE,
                errors);
        checkBoth(
                config,
                KafkaInputOptions.TLS_KEYSTORE_PASSWORD_ENV,
                KafkaInputOptions.TLS_KEYSTORE_PASSWORD_FILE,
                errors);
        if (config.get(VigilJobOptions.ALERTS_MQTT_ENABLED)
                && config.getOptional(MqttConnectionOptions.BROKER_URIS)
                        .orElse(List.of())
                        .isEmpty()) {
            errors.add(
                    String.format(
                            "'%s' is true (the default), so alerts go to MQTT, but '%s' is not"
                                    + " set: name the broker for alerts or set '%s: false'",
                            VigilJobOptions.ALERTS_MQTT_ENABLED.key(),
                            MqttConnectionOptions.BROKER_URIS.key(),
                            VigilJobOptions.ALERTS_MQTT_ENABLED.key()));
        }
        return errors;
    }

    private static void checkSasl(Configuration config, List<String> errors) {
        Optional<String> mechanism = config.getOptional(KafkaInputOptions.SASL_MECHANISM);
        if (mechanism.isEmpty()) {
            for (ConfigOption<String> option :
                    List.of(
                            KafkaInputOptions.SASL_USERNAME,
                            KafkaInputOptions.SASL_PASSWORD_ENV,
                            KafkaInputOptions.SASL_PASSWORD_FILE)) {
                if (config.contains(option)) {
                    errors.add(
                            String.format(
                                    "'%s' needs '%s'",
                                    option.key(), KafkaInputOptions.SASL_MECHANISM.key()));
                }
            }
            return;
        }
        if (!SASL_MECHANISMS.contains(mechanism.get().toUpperCase(Locale.ROOT))) {
            errors.add(
                    String.format(
                            "'%s' must be one of %s, got '%s'",
                            KafkaInputOptions.SASL_MECHANISM.key(),
                            String.join(", ", SASL_MECHANISMS),
                            mechanism.get()));
        }
        if (config.getOptional(KafkaInputOptions.SASL_USERNAME).orElse("").isEmpty()) {
            errors.add(
                    String.format(
                            "'%s' is required with '%s'",
                            KafkaInputOptions.SASL_USERNAME.key(),
                            KafkaInputOptions.SASL_MECHANISM.key()));
        }
        if (!config.contains(KafkaInputOptions.SASL_PASSWORD_ENV)
                && !config.contains(KafkaInputOptions.SASL_PASSWORD_FILE)) {
            errors.add(
                    String.format(
                            "'%s' or '%s' is required with '%s'",
                            KafkaInputOptions.SASL_PASSWORD_ENV.key(),
                            KafkaInputOptions.SASL_PASSWORD_FILE.key(),
                            KafkaInputOptions.SASL_MECHANISM.key()));
        }
        checkBoth(
                config,
                KafkaInputOptions.SASL_PASSWORD_ENV,
                KafkaInputOptions.SASL_PASSWORD_FILE,
                errors);
    }

    private static void checkBoth(
            Configuration config,
            ConfigOption<String> env,
            ConfigOption<String> file,
            List<String> errors) {
        if (config.contains(env) && config.contains(file)) {
            errors.add(
                    String.format("'%s' cannot be set together with '%s'", file.key(), env.key()));
        }
    }

    /** The source, its secrets read through {@code env} (environment variables) and files. */
    public static KafkaSource<RawMessage> source(
            Configuration config, Function<String, String> env) {
        List<String> errors = check(config);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        KafkaSourceBuilder<RawMessage> builder =
                KafkaSource.<RawMessage>builder()
                        .setBootstrapServers(config.get(KafkaInputOptions.BOOTSTRAP_SERVERS))
                        .setGroupId(config.get(KafkaInputOptions.GROUP_ID))
                        .setStartingOffsets(
                                startingOffsets(config.get(KafkaInputOptions.STARTING_OFFSETS)))
                        .setDeserializer(
                                KafkaRawMessages.forSetting(
                                        config.get(KafkaInputOptions.TOPIC_FROM)))
                        .setProperties(securityProperties(config, env))
                        // Lag per group shows in Kafka's own tools; the offsets that count are the
                        // checkpoint's.
                        .setProperty("commit.offsets.on.checkpoint", "true");
        Optional<String> pattern = config.getOptional(KafkaInputOptions.TOPIC_PATTERN);
        if (pattern.isPresent()) {
            builder.setTopicPattern(Pattern.compile(pattern.get()));
        } else {
            builder.setTopics(config.get(KafkaInputOptions.TOPICS));
        }
        return builder.build();
    }

    /**
     * {@code committed}, {@code earliest}, {@code latest} or {@code timestamp:EPOCH_MS}.
     *
     * @throws IllegalArgumentException for anything else
     */
    static OffsetsInitializer startingOffsets(String setting) {
        switch (setting) {
            case "committed":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            default:
                if (setting.startsWith("timestamp:")) {
                    try {
                        return OffsetsInitializer.timestamp(
                                Long.parseLong(setting.substring("timestamp:".length())));
                    } catch (NumberFormatException e) {
                        // Reported below.
                    }
                }
                throw new IllegalArgumentException(
                        String.format(
                                "'%s' must be committed, earliest, latest or timestamp:EPOCH_MS,"
                                        + " got '%s'",
                                KafkaInputOptions.STARTING_OFFSETS.key(), setting));
        }
    }

    /** The consumer's security settings; passwords read from where the options name. */
    static Properties securityProperties(Configuration config, Function<String, String> env) {
        Properties properties = new Properties();
        Optional<String> mechanism =
                config.getOptional(KafkaInputOptions.SASL_MECHANISM)
                        .map(m -> m.toUpperCase(Locale.ROOT));
        boolean tls = config.get(KafkaInputOptions.TLS_ENABLED);
        properties.setProperty(
                "security.protocol",
                mechanism.isPresent()
                        ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT")
                        : (tls ? "SSL" : "PLAINTEXT"));
        if (mechanism.isPresent()) {
            String module =
                    mechanism.get().equals("PLAIN")
                            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                            : "org.apache.kafka.common.security.scram.ScramLoginModule";
            String password =
                    MqttSecrets.secret(
                                    config,
                                    KafkaInputOptions.SASL_PASSWORD_ENV,
                                    KafkaInputOptions.SASL_PASSWORD_FILE,
                                    env)
                            .orElseThrow();
            properties.setProperty("sasl.mechanism", mechanism.get());
            properties.setProperty(
                    "sasl.jaas.config",
                    String.format(
                            "%s required username=\"%s\" password=\"%s\";",
                            module,
                            jaasQuoted(config.get(KafkaInputOptions.SASL_USERNAME)),
                            jaasQuoted(password)));
        }
        if (tls) {
            store(
                    properties,
                    config,
                    "truststore",
                    KafkaInputOptions.TLS_TRUSTSTORE_PATH,
                    KafkaInputOptions.TLS_TRUSTSTORE_TYPE);
            MqttSecrets.secret(
                            config,
                            KafkaInputOptions.TLS_TRUSTSTORE_PASSWORD_ENV,
                            KafkaInputOptions.TLS_TRUSTSTORE_PASSWORD_FILE,
                            env)
                    .ifPresent(p -> properties.setProperty("ssl.truststore.password", p));
            store(
                    properties,
                    config,
                    "keystore",
                    KafkaInputOptions.TLS_KEYSTORE_PATH,
                    KafkaInputOptions.TLS_KEYSTORE_TYPE);
            MqttSecrets.secret(
                            config,
                            KafkaInputOptions.TLS_KEYSTORE_PASSWORD_ENV,
                            KafkaInputOptions.TLS_KEYSTORE_PASSWORD_FILE,
                            env)
                    .ifPresent(
                            p -> {
                                properties.setProperty("ssl.keystore.password", p);
                                properties.setProperty("ssl.key.password", p);
                            });
            properties.setProperty(
                    "ssl.endpoint.identification.algorithm",
                    config.get(KafkaInputOptions.TLS_HOSTNAME_VERIFICATION) ? "https" : "");
        }
        return properties;
    }

    /**
     * Sets {@code ssl.<kind>.location} and {@code ssl.<kind>.type} when the path option is set.
     *
     * @param kind {@code truststore} or {@code keystore}
     */
    private static void store(
            Properties properties,
            Configuration config,
            String kind,
            ConfigOption<String> pathOption,
            ConfigOption<String> typeOption) {
        config.getOptional(pathOption)
                .ifPresent(
                        path -> {
                            properties.setProperty("ssl." + kind + ".location", path);
                            properties.setProperty("ssl." + kind + ".type", config.get(typeOption));
                        });
    }

    /** A value inside a JAAS double-quoted string: backslash and quote escaped. */
    static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
