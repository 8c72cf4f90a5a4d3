package io.vigil.connectors.mqtt.connection;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Checks of the {@code mqtt.*} settings that the source and the sink share (broker, login, TLS,
 * timeouts), each failure naming the setting and the value.
 */
@Internal
public final class MqttSettingChecks {

    private static final long MIN_PACKET_SIZE = 1024;

    /** The largest packet MQTT can encode: 1 + 4 length bytes + 268 435 455. */
    private static final long MAX_PACKET_SIZE = 268_435_460;

    private MqttSettingChecks() {}

    /** Checks the connection settings of {@link MqttConnectionOptions} that both connectors use. */
    public static void validateConnection(Configuration conf) {
        List<String> uris = required(conf, MqttConnectionOptions.BROKER_URIS);
        check(!uris.isEmpty(), MqttConnectionOptions.BROKER_URIS, uris, "needs at least one URI");
        boolean anySsl = false;
        for (String uri : uris) {
            anySsl |= checkBrokerUri(uri);
        }
        boolean hasEnv = conf.getOptional(MqttConnectionOptions.PASSWORD_ENV).isPresent();
        boolean hasFile = conf.getOptional(MqttConnectionOptions.PASSWORD_FILE).isPresent();
        check(
                !(hasEnv && hasFile),
                MqttConnectionOptions.PASSWORD_FILE,
                "(not shown)",
                "cannot be set together with " + MqttConnectionOptions.PASSWORD_ENV.key());
        if (hasEnv || hasFile) {
            check(
                    conf.getOptional(MqttConnectionOptions.USERNAME).isPresent(),
                    MqttConnectionOptions.USERNAME,
                    null,
                    "must be set when a password is given");
        }
        boolean hasCa = conf.getOptional(MqttConnectionOptions.TLS_CA_FILE).isPresent();
        boolean hasTruststore =
                conf.getOptional(MqttConnectionOptions.TLS_TRUSTSTORE_PATH).isPresent();
        check(
                !(hasCa && hasTruststore),
                MqttConnectionOptions.TLS_TRUSTSTORE_PATH,
                conf.get(MqttConnectionOptions.TLS_TRUSTSTORE_PATH),
                "cannot be set together with " + MqttConnectionOptions.TLS_CA_FILE.key());
        boolean hasCert = conf.getOptional(MqttConnectionOptions.TLS_CLIENT_CERT_FILE).isPresent();
        boolean hasKey = conf.getOptional(MqttConnectionOptions.TLS_CLIENT_KEY_FILE).isPresent();
        check(
                hasCert == hasKey,
                hasCert
                        ? MqttConnectionOptions.TLS_CLIENT_KEY_FILE
                        : MqttConnectionOptions.TLS_CLIENT_CERT_FILE,
                null,
                "client certificate and key must be set together");
        if (hasCa || hasTruststore || hasCert) {
            check(
                    anySsl,
                    MqttConnectionOptions.BROKER_URIS,
                    uris.stream()
                            .map(MqttConnections::withoutUserInfo)
                            .collect(Collectors.toList()),
                    "TLS settings are given but no URI uses ssl://");
        }
        checkPositive(conf, MqttConnectionOptions.SESSION_EXPIRY);
        Duration keepAlive = conf.get(MqttConnectionOptions.KEEP_ALIVE);
        check(
                keepAlive.getSeconds() >= 1 && keepAlive.getSeconds() <= 65535,
                MqttConnectionOptions.KEEP_ALIVE,
                keepAlive,
                "must be between 1 s and 65535 s");
        checkPositive(conf, MqttConnectionOptions.CONNECT_TIMEOUT);
        long maxPacketSize = conf.get(MqttConnectionOptions.MAX_PACKET_SIZE).getBytes();
        check(
                maxPacketSize >= MIN_PACKET_SIZE && maxPacketSize <= MAX_PACKET_SIZE,
                MqttConnectionOptions.MAX_PACKET_SIZE,
                conf.get(MqttConnectionOptions.MAX_PACKET_SIZE),
                "must be between 1 kb and 268435460 bytes (the MQTT limit)");
        checkPositive(conf, MqttConnectionOptions.RECONNECT_INITIAL_BACKOFF);
        checkPositive(conf, MqttConnectionOptions.RECONNECT_MAX_BACKOFF);
        Duration initial = conf.get(MqttConnectionOptions.RECONNECT_INITIAL_BACKOFF);
        Duration max = conf.get(MqttConnectionOptions.RECONNECT_MAX_BACKOFF);
        check(
                max.compareTo(initial) >= 0,
                MqttConnectionOptions.RECONNECT_MAX_BACKOFF,
                max,
                "must not be below " + MqttConnectionOptions.RECONNECT_INITIAL_BACKOFF.key());
    }

    /** Returns whether the URI uses TLS. */
    private static boolean checkBrokerUri(String given) {
        String uri = MqttConnections.withoutUserInfo(given);
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw invalid(
                    MqttConnectionOptions.BROKER_URIS, uri, "is not a URI: " + e.getMessage());
        }
        String scheme = parsed.getScheme();
        check(
                "tcp".equals(scheme) || "ssl".equals(scheme),
                MqttConnectionOptions.BROKER_URIS,
                uri,
                "must start with tcp:// or ssl://");
        check(parsed.getHost() != null, MqttConnectionOptions.BROKER_URIS, uri, "has no host");
        check(
                parsed.getPort() > 0 && parsed.getPort() <= 65535,
                MqttConnectionOptions.BROKER_URIS,
                uri,
                "needs a port between 1 and 65535");
        return "ssl".equals(scheme);
    }

    /** A client id prefix or group name: non-blank, without topic separators or wildcards. */
    public static void checkName(String value, ConfigOption<String> option) {
        check(
                !value.isBlank()
                        && value.indexOf('/') < 0
                        && value.indexOf('+') < 0
                        && value.indexOf('#') < 0,
                option,
                value,
                "must be non-blank without '/', '+', '#'");
    }

    public static <V> V required(Configuration conf, ConfigOption<V> option) {
        return conf.getOptional(option)
                .orElseThrow(() -> invalid(option, null, "is required but not set"));
    }

    /** Checks that the QoS {@code option} sets is 0, 1 or 2. */
    public static void checkQos(Configuration conf, ConfigOption<Integer> option) {
        int qos = conf.get(option);
        check(qos >= 0 && qos <= 2, option, qos, "must be 0, 1 or 2");
    }

    /** Checks that the value {@code option} sets is from {@code min} to {@code max}. */
    public static void checkBetween(
            Configuration conf, ConfigOption<Integer> option, int min, int max) {
        int value = conf.get(option);
        check(
                value >= min && value <= max,
                option,
                value,
                String.format("must be between %d and %d", min, max));
    }

    /** Checks that the value {@code option} sets is {@code min} or more. */
    public static void checkAtLeast(Configuration conf, ConfigOption<Integer> option, int min) {
        int value = conf.get(option);
        check(value >= min, option, value, "must be at least " + min);
    }

    public static void checkPositive(Configuration conf, ConfigOption<Duration> option) {
        Duration value = conf.get(option);
        check(!value.isNegative() && !value.isZero(), option, value, "must be positive");
    }

    public static void check(boolean ok, ConfigOption<?> option, Object value, String problem) {
        if (!ok) {
            throw invalid(option, value, problem);
        }
    }

    public static IllegalArgumentException invalid(
            ConfigOption<?> option, Object value, String problem) {
        return new IllegalArgumentException(
                String.format("Invalid %s = %s: %s", option.key(), value, problem));
    }
}
