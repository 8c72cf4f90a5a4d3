package io.vigil.connectors.mqtt;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Builds an {@link MqttSource}; {@link #build()} rejects bad settings with a message that names the
 * setting and the value.
 *
 * @param <T> the record type the source emits
 */
public final class MqttSourceBuilder<T> {

    private final Configuration configuration = new Configuration();
    private MqttDeserializationSchema<T> deserializer;

    MqttSourceBuilder() {}

    /** Broker URIs, {@code tcp://host:port} or {@code ssl://host:port}. */
    public MqttSourceBuilder<T> setBrokerUris(String... uris) {
        return set(MqttSourceOptions.BROKER_URIS, Arrays.asList(uris));
    }

    /** Topic filters, with {@code +} and {@code #} wildcards. */
    public MqttSourceBuilder<T> setTopicFilters(String... filters) {
        return set(MqttSourceOptions.TOPIC_FILTERS, Arrays.asList(filters));
    }

    public MqttSourceBuilder<T> setQos(int qos) {
        return set(MqttSourceOptions.QOS, qos);
    }

    public MqttSourceBuilder<T> setProtocolVersion(MqttProtocolVersion version) {
        return set(MqttSourceOptions.PROTOCOL_VERSION, version);
    }

    public MqttSourceBuilder<T> setClientIdPrefix(String prefix) {
        return set(MqttSourceOptions.CLIENT_ID_PREFIX, prefix);
    }

    public MqttSourceBuilder<T> setSharedSubscriptionGroup(String group) {
        return set(MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP, group);
    }

    public MqttSourceBuilder<T> setUsername(String username) {
        return set(MqttSourceOptions.USERNAME, username);
    }

    /** Reads the password from this environment variable on the TaskManagers. */
    public MqttSourceBuilder<T> setPasswordEnv(String variableName) {
        return set(MqttSourceOptions.PASSWORD_ENV, variableName);
    }

    /** Reads the password from this file on the TaskManagers. */
    public MqttSourceBuilder<T> setPasswordFile(String path) {
        return set(MqttSourceOptions.PASSWORD_FILE, path);
    }

    /** Trusts the CA certificates of this PEM file instead of the JVM's. */
    public MqttSourceBuilder<T> setTlsCaFile(String pemPath) {
        return set(MqttSourceOptions.TLS_CA_FILE, pemPath);
    }

    /** Trusts this PKCS12 or JKS truststore instead of the JVM's. */
    public MqttSourceBuilder<T> setTlsTruststore(String path, String type, String password) {
        set(MqttSourceOptions.TLS_TRUSTSTORE_PATH, path);
        set(MqttSourceOptions.TLS_TRUSTSTORE_TYPE, type);
        return password == null ? this : set(MqttSourceOptions.TLS_TRUSTSTORE_PASSWORD, password);
    }

    /** Authenticates with a client certificate (PEM chain and PEM PKCS#8 key) for mutual TLS. */
    public MqttSourceBuilder<T> setTlsClientCertificate(String certPemPath, String keyPemPath) {
        set(MqttSourceOptions.TLS_CLIENT_CERT_FILE, certPemPath);
        return set(MqttSourceOptions.TLS_CLIENT_KEY_FILE, keyPemPath);
    }

    public MqttSourceBuilder<T> setTlsHostnameVerification(boolean verify) {
        return set(MqttSourceOptions.TLS_HOSTNAME_VERIFICATION, verify);
    }

    public MqttSourceBuilder<T> setSessionExpiry(Duration expiry) {
        return set(MqttSourceOptions.SESSION_EXPIRY, expiry);
    }

    public MqttSourceBuilder<T> setReconnectBackoff(Duration initial, Duration max) {
        set(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF, initial);
        return set(MqttSourceOptions.RECONNECT_MAX_BACKOFF, max);
    }

    public MqttSourceBuilder<T> setQueueCapacity(int capacity) {
        return set(MqttSourceOptions.QUEUE_CAPACITY, capacity);
    }

    public MqttSourceBuilder<T> setReceiveMaximum(int receiveMaximum) {
        return set(MqttSourceOptions.RECEIVE_MAXIMUM, receiveMaximum);
    }

    public MqttSourceBuilder<T> setDeserializer(MqttDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Sets any option of {@link MqttSourceOptions}. */
    public <V> MqttSourceBuilder<T> set(ConfigOption<V> option, V value) {
        configuration.set(option, value);
        return this;
    }

    /** Takes every {@code mqtt.*} setting of a configuration, e.g. one loaded from a job file. */
    public MqttSourceBuilder<T> setConfiguration(Configuration settings) {
        for (Map.Entry<String, String> entry : settings.toMap().entrySet()) {
            if (entry.getKey().startsWith("mqtt.")) {
                configuration.setString(entry.getKey(), entry.getValue());
            }
        }
        return this;
    }

    public MqttSource<T> build() {
        if (deserializer == null) {
            throw new IllegalArgumentException("The deserializer is not set (setDeserializer).");
        }
        validate(configuration);
        return new MqttSource<>(new Configuration(configuration), deserializer);
    }

    static void validate(Configuration conf) {
        List<String> uris = required(conf, MqttSourceOptions.BROKER_URIS);
        check(!uris.isEmpty(), MqttSourceOptions.BROKER_URIS, uris, "needs at least one URI");
        boolean anySsl = false;
        for (String uri : uris) {
            anySsl |= checkBrokerUri(uri);
        }
        List<String> filters = required(conf, MqttSourceOptions.TOPIC_FILTERS);
        check(!filters.isEmpty(), MqttSourceOptions.TOPIC_FILTERS, filters, "needs a filter");
        for (String filter : filters) {
            String problem = topicFilterProblem(filter);
            check(problem == null, MqttSourceOptions.TOPIC_FILTERS, filter, problem);
        }
        int qos = conf.get(MqttSourceOptions.QOS);
        check(qos >= 0 && qos <= 2, MqttSourceOptions.QOS, qos, "must be 0, 1 or 2");
        String prefix = required(conf, MqttSourceOptions.CLIENT_ID_PREFIX);
        check(
                !prefix.isBlank() && noMqttSpecials(prefix),
                MqttSourceOptions.CLIENT_ID_PREFIX,
                prefix,
                "must be non-blank without '/', '+', '#'");
        Optional<String> group = conf.getOptional(MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP);
        group.ifPresent(
                g ->
                        check(
                                !g.isBlank() && noMqttSpecials(g),
                                MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP,
                                g,
                                "must be non-blank without '/', '+', '#'"));
        boolean hasEnv = conf.getOptional(MqttSourceOptions.PASSWORD_ENV).isPresent();
        boolean hasFile = conf.getOptional(MqttSourceOptions.PASSWORD_FILE).isPresent();
        check(
                !(hasEnv && hasFile),
                MqttSourceOptions.PASSWORD_FILE,
                "(not shown)",
                "cannot be set together with " + MqttSourceOptions.PASSWORD_ENV.key());
        if (hasEnv || hasFile) {
            check(
                    conf.getOptional(MqttSourceOptions.USERNAME).isPresent(),
                    MqttSourceOptions.USERNAME,
                    null,
                    "must be set when a password is given");
        }
        boolean hasCa = conf.getOptional(MqttSourceOptions.TLS_CA_FILE).isPresent();
        boolean hasTruststore = conf.getOptional(MqttSourceOptions.TLS_TRUSTSTORE_PATH).isPresent();
        check(
                !(hasCa && hasTruststore),
                MqttSourceOptions.TLS_TRUSTSTORE_PATH,
                conf.get(MqttSourceOptions.TLS_TRUSTSTORE_PATH),
                "cannot be set together with " + MqttSourceOptions.TLS_CA_FILE.key());
        boolean hasCert = conf.getOptional(MqttSourceOptions.TLS_CLIENT_CERT_FILE).isPresent();
        boolean hasKey = conf.getOptional(MqttSourceOptions.TLS_CLIENT_KEY_FILE).isPresent();
        check(
                hasCert == hasKey,
                hasCert
                        ? MqttSourceOptions.TLS_CLIENT_KEY_FILE
                        : MqttSourceOptions.TLS_CLIENT_CERT_FILE,
                null,
                "client certificate and key must be set together");
        if (hasCa || hasTruststore || hasCert) {
            check(
                    anySsl,
                    MqttSourceOptions.BROKER_URIS,
                    uris,
                    "TLS settings are given but no URI uses ssl://");
        }
        checkPositive(conf, MqttSourceOptions.SESSION_EXPIRY);
        Duration keepAlive = conf.get(MqttSourceOptions.KEEP_ALIVE);
        check(
                keepAlive.getSeconds() >= 1 && keepAlive.getSeconds() <= 65535,
                MqttSourceOptions.KEEP_ALIVE,
                keepAlive,
                "must be between 1 s and 65535 s");
        checkPositive(conf, MqttSourceOptions.CONNECT_TIMEOUT);
        checkPositive(conf, MqttSourceOptions.RECONNECT_INITIAL_BACKOFF);
        checkPositive(conf, MqttSourceOptions.RECONNECT_MAX_BACKOFF);
        Duration initial = conf.get(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF);
        Duration max = conf.get(MqttSourceOptions.RECONNECT_MAX_BACKOFF);
        check(
                max.compareTo(initial) >= 0,
                MqttSourceOptions.RECONNECT_MAX_BACKOFF,
                max,
                "must not be below " + MqttSourceOptions.RECONNECT_INITIAL_BACKOFF.key());
        int capacity = conf.get(MqttSourceOptions.QUEUE_CAPACITY);
        check(capacity >= 1, MqttSourceOptions.QUEUE_CAPACITY, capacity, "must be at least 1");
        int receiveMaximum = conf.get(MqttSourceOptions.RECEIVE_MAXIMUM);
        check(
                receiveMaximum >= 1 && receiveMaximum <= 65535,
                MqttSourceOptions.RECEIVE_MAXIMUM,
                receiveMaximum,
                "must be between 1 and 65535");
    }

    /** Returns whether the URI uses TLS. */
    private static boolean checkBrokerUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw invalid(MqttSourceOptions.BROKER_URIS, uri, "is not a URI: " + e.getMessage());
        }
        String scheme = parsed.getScheme();
        check(
                "tcp".equals(scheme) || "ssl".equals(scheme),
                MqttSourceOptions.BROKER_URIS,
                uri,
                "must start with tcp:// or ssl://");
        check(parsed.getHost() != null, MqttSourceOptions.BROKER_URIS, uri, "has no host");
        check(
                parsed.getPort() > 0 && parsed.getPort() <= 65535,
                MqttSourceOptions.BROKER_URIS,
                uri,
                "needs a port between 1 and 65535");
        return "ssl".equals(scheme);
    }

    /** Returns why the topic filter is invalid, or null when it is valid. */
    static String topicFilterProblem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "must not be empty";
        }
        if (filter.startsWith("$share/")) {
            return "must not be a shared subscription: the source adds $share/{group}/ itself";
        }
        if (filter.indexOf('\u0000') >= 0) {
            return "must not contain U+0000";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole level and the last one";
            }
            if (level.contains("+") && !level.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        return null;
    }

    private static boolean noMqttSpecials(String value) {
        return value.indexOf('/') < 0 && value.indexOf('+') < 0 && value.indexOf('#') < 0;
    }

    private static <V> V required(Configuration conf, ConfigOption<V> option) {
        return conf.getOptional(option)
                .orElseThrow(() -> invalid(option, null, "is required but not set"));
    }

    private static void checkPositive(Configuration conf, ConfigOption<Duration> option) {
        Duration value = conf.get(option);
        check(!value.isNegative() && !value.isZero(), option, value, "must be positive");
    }

    private static void check(boolean ok, ConfigOption<?> option, Object value, String problem) {
        if (!ok) {
            throw invalid(option, value, problem);
        }
    }

    private static IllegalArgumentException invalid(
            ConfigOption<?> option, Object value, String problem) {
        return new IllegalArgumentException(
                String.format("Invalid %s = %s: %s", option.key(), value, problem));
    }
}
