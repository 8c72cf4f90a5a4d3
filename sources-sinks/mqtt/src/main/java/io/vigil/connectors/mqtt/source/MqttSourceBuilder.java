package io.vigil.connectors.mqtt.source;

import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.check;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkName;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.required;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.validateConnection;

import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Builds an {@link MqttSource}; {@link #build()} rejects bad settings with a message that names the
 * setting and the value.
 *
 * @param <T> the record type the source emits
 */
@PublicEvolving
public final class MqttSourceBuilder<T> {

    private final Configuration configuration = new Configuration();
    private MqttDeserializationSchema<T> deserializer;

    MqttSourceBuilder() {}

    /** Broker URIs, {@code tcp://host:port} or {@code ssl://host:port}. */
    public MqttSourceBuilder<T> setBrokerUris(String... uris) {
        return set(MqttConnectionOptions.BROKER_URIS, Arrays.asList(uris));
    }

    /** Topic filters, with {@code +} and {@code #} wildcards. */
    public MqttSourceBuilder<T> setTopicFilters(String... filters) {
        return set(MqttSourceOptions.TOPIC_FILTERS, Arrays.asList(filters));
    }

    public MqttSourceBuilder<T> setQos(int qos) {
        return set(MqttSourceOptions.QOS, qos);
    }

    public MqttSourceBuilder<T> setProtocolVersion(MqttProtocolVersion version) {
        return set(MqttConnectionOptions.PROTOCOL_VERSION, version);
    }

    public MqttSourceBuilder<T> setClientIdPrefix(String prefix) {
        return set(MqttSourceOptions.CLIENT_ID_PREFIX, prefix);
    }

    public MqttSourceBuilder<T> setSharedSubscriptionGroup(String group) {
        return set(MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP, group);
    }

    public MqttSourceBuilder<T> setUsername(String username) {
        return set(MqttConnectionOptions.USERNAME, username);
    }

    /** Reads the password from this environment variable on the TaskManagers. */
    public MqttSourceBuilder<T> setPasswordEnv(String variableName) {
        return set(MqttConnectionOptions.PASSWORD_ENV, variableName);
    }

    /** Reads the password from this file on the TaskManagers. */
    public MqttSourceBuilder<T> setPasswordFile(String path) {
        return set(MqttConnectionOptions.PASSWORD_FILE, path);
    }

    /** Trusts the CA certificates of this PEM file instead of the JVM's. */
    public MqttSourceBuilder<T> setTlsCaFile(String pemPath) {
        return set(MqttConnectionOptions.TLS_CA_FILE, pemPath);
    }

    /** Trusts this PKCS12 or JKS truststore instead of the JVM's. */
    public MqttSourceBuilder<T> setTlsTruststore(String path, String type, String password) {
        set(MqttConnectionOptions.TLS_TRUSTSTORE_PATH, path);
        set(MqttConnectionOptions.TLS_TRUSTSTORE_TYPE, type);
        return password == null
                ? this
                : set(MqttConnectionOptions.TLS_TRUSTSTORE_PASSWORD, password);
    }

    /** Authenticates with a client certificate (PEM chain and PEM PKCS#8 key) for mutual TLS. */
    public MqttSourceBuilder<T> setTlsClientCertificate(String certPemPath, String keyPemPath) {
        set(MqttConnectionOptions.TLS_CLIENT_CERT_FILE, certPemPath);
        return set(MqttConnectionOptions.TLS_CLIENT_KEY_FILE, keyPemPath);
    }

    public MqttSourceBuilder<T> setTlsHostnameVerification(boolean verify) {
        return set(MqttConnectionOptions.TLS_HOSTNAME_VERIFICATION, verify);
    }

    public MqttSourceBuilder<T> setSessionExpiry(Duration expiry) {
        return set(MqttConnectionOptions.SESSION_EXPIRY, expiry);
    }

    public MqttSourceBuilder<T> setReconnectBackoff(Duration initial, Duration max) {
        set(MqttConnectionOptions.RECONNECT_INITIAL_BACKOFF, initial);
        return set(MqttConnectionOptions.RECONNECT_MAX_BACKOFF, max);
    }

    public MqttSourceBuilder<T> setQueueCapacity(int capacity) {
        return set(MqttSourceOptions.QUEUE_CAPACITY, capacity);
    }

    public MqttSourceBuilder<T> setReceiveMaximum(int receiveMaximum) {
        return set(MqttSourceOptions.RECEIVE_MAXIMUM, receiveMaximum);
    }

    public MqttSourceBuilder<T> setSessionsPerReader(int sessions) {
        return set(MqttSourceOptions.SESSIONS_PER_READER, sessions);
    }

    public MqttSourceBuilder<T> setDeserializer(MqttDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Sets any option of {@link MqttSourceOptions}, the connection options included. */
    public <V> MqttSourceBuilder<T> set(ConfigOption<V> option, V value) {
        configuration.set(option, value);
        return this;
    }

    /** Takes every {@code mqtt.*} setting of a configuration, e.g. one loaded from a job file. */
    public MqttSourceBuilder<T> setConfiguration(Configuration settings) {
        MqttConnections.copyMqttSettings(settings, configuration);
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
        validateConnection(conf);
        List<String> filters = required(conf, MqttSourceOptions.TOPIC_FILTERS);
        check(!filters.isEmpty(), MqttSourceOptions.TOPIC_FILTERS, filters, "needs a filter");
        for (String filter : filters) {
            String problem = topicFilterProblem(filter);
            check(problem == null, MqttSourceOptions.TOPIC_FILTERS, filter, problem);
        }
        int qos = conf.get(MqttSourceOptions.QOS);
        check(qos >= 0 && qos <= 2, MqttSourceOptions.QOS, qos, "must be 0, 1 or 2");
        checkName(
                required(conf, MqttSourceOptions.CLIENT_ID_PREFIX),
                MqttSourceOptions.CLIENT_ID_PREFIX);
        conf.getOptional(MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP)
                .ifPresent(g -> checkName(g, MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP));
        int capacity = conf.get(MqttSourceOptions.QUEUE_CAPACITY);
        check(capacity >= 1, MqttSourceOptions.QUEUE_CAPACITY, capacity, "must be at least 1");
        int receiveMaximum = conf.get(MqttSourceOptions.RECEIVE_MAXIMUM);
        check(
                receiveMaximum >= 1 && receiveMaximum <= 65535,
                MqttSourceOptions.RECEIVE_MAXIMUM,
                receiveMaximum,
                "must be between 1 and 65535");
        int sessions = conf.get(MqttSourceOptions.SESSIONS_PER_READER);
        check(sessions >= 1, MqttSourceOptions.SESSIONS_PER_READER, sessions, "must be at least 1");
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
}
