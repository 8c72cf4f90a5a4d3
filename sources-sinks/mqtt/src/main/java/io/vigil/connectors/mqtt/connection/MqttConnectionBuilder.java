package io.vigil.connectors.mqtt.connection;

import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The broker connection setters that the MQTT source and sink builders share: each sets one of the
 * {@link MqttConnectionOptions}, so that both sides of the connector are configured the same way.
 *
 * @param <B> the concrete builder, which every setter returns for chaining
 */
@PublicEvolving
public abstract class MqttConnectionBuilder<B extends MqttConnectionBuilder<B>> {

    private final Configuration configuration = new Configuration();

    protected MqttConnectionBuilder() {}

    /** Broker URIs, {@code tcp://host:port} or {@code ssl://host:port}. */
    public B setBrokerUris(String... uris) {
        return set(MqttConnectionOptions.BROKER_URIS, Arrays.asList(uris));
    }

    public B setProtocolVersion(MqttProtocolVersion version) {
        return set(MqttConnectionOptions.PROTOCOL_VERSION, version);
    }

    public B setUsername(String username) {
        return set(MqttConnectionOptions.USERNAME, username);
    }

    /** Reads the password from this environment variable on the TaskManagers. */
    public B setPasswordEnv(String variableName) {
        return set(MqttConnectionOptions.PASSWORD_ENV, variableName);
    }

    /** Reads the password from this file on the TaskManagers. */
    public B setPasswordFile(String path) {
        return set(MqttConnectionOptions.PASSWORD_FILE, path);
    }

    /** Trusts the CA certificates of this PEM file instead of the JVM's. */
    public B setTlsCaFile(String pemPath) {
        return set(MqttConnectionOptions.TLS_CA_FILE, pemPath);
    }

    /** Trusts this PKCS12 or JKS truststore instead of the JVM's. */
    public B setTlsTruststore(String path, String type, String password) {
        set(MqttConnectionOptions.TLS_TRUSTSTORE_PATH, path);
        set(MqttConnectionOptions.TLS_TRUSTSTORE_TYPE, type);
        return password == null
                ? self()
                : set(MqttConnectionOptions.TLS_TRUSTSTORE_PASSWORD, password);
    }

    /** Authenticates with a client certificate (PEM chain and PEM PKCS#8 key) for mutual TLS. */
    public B setTlsClientCertificate(String certPemPath, String keyPemPath) {
        set(MqttConnectionOptions.TLS_CLIENT_CERT_FILE, certPemPath);
        return set(MqttConnectionOptions.TLS_CLIENT_KEY_FILE, keyPemPath);
    }

    public B setTlsHostnameVerification(boolean verify) {
        return set(MqttConnectionOptions.TLS_HOSTNAME_VERIFICATION, verify);
    }

    public B setSessionExpiry(Duration expiry) {
        return set(MqttConnectionOptions.SESSION_EXPIRY, expiry);
    }

    public B setConnectTimeout(Duration timeout) {
        return set(MqttConnectionOptions.CONNECT_TIMEOUT, timeout);
    }

    public B setReconnectBackoff(Duration initial, Duration max) {
        set(MqttConnectionOptions.RECONNECT_INITIAL_BACKOFF, initial);
        return set(MqttConnectionOptions.RECONNECT_MAX_BACKOFF, max);
    }

    /**
     * Sets any option of the builder's options class ({@code MqttSourceOptions} or {@code
     * MqttSinkOptions}), the connection options included.
     */
    public <V> B set(ConfigOption<V> option, V value) {
        configuration.set(option, value);
        return self();
    }

    /**
     * Takes every {@code mqtt.*} setting of a configuration, e.g. the job file that configures both
     * the source and the sink; keys only the other side reads (such as the source's {@code
     * mqtt.topic-filters} for the sink) are ignored.
     */
    public B setConfiguration(Configuration settings) {
        MqttConnections.copyMqttSettings(settings, configuration);
        return self();
    }

    /** A copy of the settings made so far, for {@code build()}. */
    protected Configuration configuration() {
        return new Configuration(configuration);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
