package io.vigil.connectors.mqtt.sink;

import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.check;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkName;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.validateConnection;

import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Builds an {@link MqttSink}; {@link #build()} rejects bad settings with a message that names the
 * setting and the value.
 *
 * @param <T> the stream element type
 */
@PublicEvolving
public final class MqttSinkBuilder<T> {

    private final Configuration configuration = new Configuration();
    private MqttSerializationSchema<T> serializer;

    MqttSinkBuilder() {}

    /** Broker URIs, {@code tcp://host:port} or {@code ssl://host:port}. */
    public MqttSinkBuilder<T> setBrokerUris(String... uris) {
        return set(MqttConnectionOptions.BROKER_URIS, Arrays.asList(uris));
    }

    public MqttSinkBuilder<T> setProtocolVersion(MqttProtocolVersion version) {
        return set(MqttConnectionOptions.PROTOCOL_VERSION, version);
    }

    /** Publish QoS 0, 1 or 2. */
    public MqttSinkBuilder<T> setQos(int qos) {
        return set(MqttSinkOptions.QOS, qos);
    }

    /** Subtask i publishes as client {@code {prefix}-{i}}. */
    public MqttSinkBuilder<T> setClientIdPrefix(String prefix) {
        return set(MqttSinkOptions.CLIENT_ID_PREFIX, prefix);
    }

    /** Unacknowledged publishes per writer before it waits. */
    public MqttSinkBuilder<T> setMaxInFlight(int maxInFlight) {
        return set(MqttSinkOptions.MAX_IN_FLIGHT, maxInFlight);
    }

    public MqttSinkBuilder<T> setRetain(boolean retain) {
        return set(MqttSinkOptions.RETAIN, retain);
    }

    public MqttSinkBuilder<T> setUsername(String username) {
        return set(MqttConnectionOptions.USERNAME, username);
    }

    /** Reads the password from this environment variable on the TaskManagers. */
    public MqttSinkBuilder<T> setPasswordEnv(String variableName) {
        return set(MqttConnectionOptions.PASSWORD_ENV, variableName);
    }

    /** Reads the password from this file on the TaskManagers. */
    public MqttSinkBuilder<T> setPasswordFile(String path) {
        return set(MqttConnectionOptions.PASSWORD_FILE, path);
    }

    /** Trusts the CA certificates of this PEM file instead of the JVM's. */
    public MqttSinkBuilder<T> setTlsCaFile(String pemPath) {
        return set(MqttConnectionOptions.TLS_CA_FILE, pemPath);
    }

    /** Authenticates with a client certificate (PEM chain and PEM PKCS#8 key) for mutual TLS. */
    public MqttSinkBuilder<T> setTlsClientCertificate(String certPemPath, String keyPemPath) {
        set(MqttConnectionOptions.TLS_CLIENT_CERT_FILE, certPemPath);
        return set(MqttConnectionOptions.TLS_CLIENT_KEY_FILE, keyPemPath);
    }

    public MqttSinkBuilder<T> setConnectTimeout(Duration timeout) {
        return set(MqttConnectionOptions.CONNECT_TIMEOUT, timeout);
    }

    public MqttSinkBuilder<T> setSerializer(MqttSerializationSchema<T> serializer) {
        this.serializer = serializer;
        return this;
    }

    /** Sets any option of {@link MqttSinkOptions}, the connection options included. */
    public <V> MqttSinkBuilder<T> set(ConfigOption<V> option, V value) {
        configuration.set(option, value);
        return this;
    }

    /**
     * Takes every {@code mqtt.*} setting of a configuration, e.g. the job file that also configures
     * the source; source-only keys such as {@code mqtt.topic-filters} are ignored by the sink.
     */
    public MqttSinkBuilder<T> setConfiguration(Configuration settings) {
        MqttConnections.copyMqttSettings(settings, configuration);
        return this;
    }

    public MqttSink<T> build() {
        if (serializer == null) {
            throw new IllegalArgumentException("The serializer is not set (setSerializer).");
        }
        Configuration conf = new Configuration(configuration);
        validateConnection(conf);
        int qos = conf.get(MqttSinkOptions.QOS);
        check(qos >= 0 && qos <= 2, MqttSinkOptions.QOS, qos, "must be 0, 1 or 2");
        int maxInFlight = conf.get(MqttSinkOptions.MAX_IN_FLIGHT);
        check(
                maxInFlight >= 1 && maxInFlight <= 65535,
                MqttSinkOptions.MAX_IN_FLIGHT,
                maxInFlight,
                "must be between 1 and 65535");
        conf.set(MqttSinkOptions.CLIENT_ID_PREFIX, clientIdPrefix(conf));
        checkName(conf.get(MqttSinkOptions.CLIENT_ID_PREFIX), MqttSinkOptions.CLIENT_ID_PREFIX);
        return new MqttSink<>(conf, serializer);
    }

    /** The sink's own prefix, else one derived from the source's, so the two never share an id. */
    private static String clientIdPrefix(Configuration conf) {
        return conf.getOptional(MqttSinkOptions.CLIENT_ID_PREFIX)
                .orElseGet(
                        () ->
                                conf.getOptional(MqttSourceOptions.CLIENT_ID_PREFIX)
                                        .map(prefix -> prefix + "-publisher")
                                        .orElse(MqttSinkOptions.DEFAULT_CLIENT_ID_PREFIX));
    }
}
