package io.vigil.connectors.mqtt.connection;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * What the source's and the sink's HiveMQ clients share: broker URIs, transport with TLS, login and
 * timeouts from the {@code mqtt.*} connection options, and readable failure causes.
 */
@Internal
public final class MqttConnections {

    /**
     * The user info of {@code scheme://user:password@host}, up to the last '@' of the authority.
     */
    private static final Pattern USER_INFO = Pattern.compile("^([^/]*//)[^/?#]*@");

    private MqttConnections() {}

    /**
     * The broker URIs without their user info: the login comes from {@code mqtt.username} and the
     * password options only, and these URIs go into logs and failure messages.
     */
    public static List<URI> brokerUris(Configuration conf) {
        return conf.get(MqttConnectionOptions.BROKER_URIS).stream()
                .map(uri -> URI.create(withoutUserInfo(uri)))
                .collect(Collectors.toList());
    }

    /** The URI with any user info (a login, maybe a password) replaced by {@code ***}. */
    public static String withoutUserInfo(String uri) {
        return USER_INFO.matcher(uri).replaceFirst("$1***@");
    }

    /**
     * Copies every {@code mqtt.*} setting of {@code settings} into {@code target}, e.g. from the
     * job file that configures both the source and the sink.
     */
    public static void copyMqttSettings(Configuration settings, Configuration target) {
        for (Map.Entry<String, String> entry : settings.toMap().entrySet()) {
            if (entry.getKey().startsWith("mqtt.")) {
                target.setString(entry.getKey(), entry.getValue());
            }
        }
    }

    /**
     * How long to wait for a first connection: the client's socket and CONNACK timeouts (each the
     * connect timeout) fire first; this only guards against a connect that never completes.
     */
    public static long connectGuardMillis(Configuration conf) {
        return 2 * conf.get(MqttConnectionOptions.CONNECT_TIMEOUT).toMillis() + 1000;
    }

    /**
     * The MQTT 5 maximum packet size: with it the broker drops a larger message for this client (it
     * cannot send it), instead of sending it again after every restart of a job that it broke.
     */
    public static int maxPacketSize(Configuration conf) {
        return (int) conf.get(MqttConnectionOptions.MAX_PACKET_SIZE).getBytes();
    }

    public static int keepAliveSeconds(Configuration conf) {
        return (int) conf.get(MqttConnectionOptions.KEEP_ALIVE).getSeconds();
    }

    /** Socket and CONNACK timeouts, and TLS for an {@code ssl://} URI. */
    public static MqttClientTransportConfig transport(Configuration conf, URI uri) {
        long timeoutMillis = conf.get(MqttConnectionOptions.CONNECT_TIMEOUT).toMillis();
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
        if (!conf.get(MqttConnectionOptions.TLS_HOSTNAME_VERIFICATION)) {
            ssl.hostnameVerifier((host, session) -> true);
        }
        return ssl.build();
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
