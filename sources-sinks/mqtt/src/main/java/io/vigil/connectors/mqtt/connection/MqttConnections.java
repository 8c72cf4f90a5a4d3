package io.vigil.connectors.mqtt.connection;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * What the source's and the sink's HiveMQ clients share: broker URIs, transport with TLS, login and
 * timeouts from the {@code mqtt.*} connection options, and readable failure causes.
 */
public final class MqttConnections {

    private MqttConnections() {}

    public static List<URI> brokerUris(Configuration conf) {
        return conf.get(MqttSourceOptions.BROKER_URIS).stream()
                .map(URI::create)
                .collect(Collectors.toList());
    }

    /**
     * How long to wait for a first connection: the client's socket and CONNACK timeouts (each the
     * connect timeout) fire first; this only guards against a connect that never completes.
     */
    public static long connectGuardMillis(Configuration conf) {
        return 2 * conf.get(MqttSourceOptions.CONNECT_TIMEOUT).toMillis() + 1000;
    }

    public static int keepAliveSeconds(Configuration conf) {
        return (int) conf.get(MqttSourceOptions.KEEP_ALIVE).getSeconds();
    }

    /** Socket and CONNACK timeouts, and TLS for an {@code ssl://} URI. */
    public static MqttClientTransportConfig transport(Configuration conf, URI uri) {
        long timeoutMillis = conf.get(MqttSourceOptions.CONNECT_TIMEOUT).toMillis();
        MqttClientTransportConfigBuilder builder =
                MqttClientTransportConfig.builder()
                        .serverHost(uri.getHost())
                        .serverPort(uri.getPort())
                        .socketConnectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                        .mqttConnectTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
        if ("ssl".equals(uri.getScheme())) {
            builder.sslConfig(sslConfig(conf));
        }
        return builder.build();
    }

    private static MqttClientSslConfig sslConfig(Configuration conf) {
        MqttClientSslConfigBuilder ssl = MqttClientSslConfig.builder();
        Optional<TrustManagerFactory> trust = MqttTls.trustManagers(conf);
        trust.ifPresent(ssl::trustManagerFactory);
        Optional<KeyManagerFactory> keys = MqttTls.keyManagers(conf);
        keys.ifPresent(ssl::keyManagerFactory);
        if (!conf.get(MqttSourceOptions.TLS_HOSTNAME_VERIFICATION)) {
            ssl.hostnameVerifier((host, session) -> true);
        }
        return ssl.build();
    }

    /** The MQTT 5 login, or empty when no user name is set. */
    public static Optional<Mqtt5SimpleAuth> auth5(Configuration conf, Optional<byte[]> password) {
        return conf.getOptional(MqttSourceOptions.USERNAME)
                .map(
                        username ->
                                password.isPresent()
                                        ? Mqtt5SimpleAuth.builder()
                                                .username(username)
                                                .password(password.get())
                                                .build()
                                        : Mqtt5SimpleAuth.builder().username(username).build());
    }

    /** The MQTT 3.1.1 login, or empty when no user name is set. */
    public static Optional<Mqtt3SimpleAuth> auth3(Configuration conf, Optional<byte[]> password) {
        return conf.getOptional(MqttSourceOptions.USERNAME)
                .map(
                        username ->
                                password.isPresent()
                                        ? Mqtt3SimpleAuth.builder()
                                                .username(username)
                                                .password(password.get())
                                                .build()
                                        : Mqtt3SimpleAuth.builder().username(username).build());
    }

    /**
     * The failure of one connection attempt, named with the broker, the client and the cause, and
     * added to the failures of the broker URIs tried before it ({@code earlier}, null for none).
     */
    public static FlinkRuntimeException connectFailure(
            FlinkRuntimeException earlier, URI uri, String clientId, Throwable cause) {
        FlinkRuntimeException attempt =
                new FlinkRuntimeException(
                        String.format(
                                "Cannot connect to MQTT broker %s as client %s: %s",
                                uri, clientId, describe(cause)),
                        cause);
        if (earlier == null) {
            return attempt;
        }
        earlier.addSuppressed(attempt);
        return earlier;
    }

    /** The chain of causes in one line, so that a log line or job failure says what went wrong. */
    public static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        Throwable current = error;
        int depth = 0;
        while (current != null && depth++ < 6) {
            String message = current.getMessage();
            String part =
                    current.getClass().getSimpleName() + (message == null ? "" : ": " + message);
            if (text.indexOf(part) < 0) {
                if (text.length() > 0) {
                    text.append(" <- ");
                }
                text.append(part);
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return text.toString();
    }
}
