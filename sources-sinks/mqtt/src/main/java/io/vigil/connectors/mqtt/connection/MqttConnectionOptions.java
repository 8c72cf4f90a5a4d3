package io.vigil.connectors.mqtt.connection;

import java.time.Duration;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * The broker connection settings that the MQTT source and sink share (broker, protocol, login, TLS,
 * timeouts, reconnect), so that one {@code mqtt.*} configuration serves both.
 *
 * <p>{@code MqttSourceOptions} and {@code MqttSinkOptions} extend this class, so each option is
 * also reachable through them (and a job that lists their fields knows every key).
 */
@PublicEvolving
public class MqttConnectionOptions {

    public static final ConfigOption<List<String>> BROKER_URIS =
            ConfigOptions.key("mqtt.broker-uris")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Broker URIs, tcp://host:port or ssl://host:port; on a reconnect the"
                                    + " client moves on to the next one.");

    public static final ConfigOption<MqttProtocolVersion> PROTOCOL_VERSION =
            ConfigOptions.key("mqtt.protocol-version")
                    .enumType(MqttProtocolVersion.class)
                    .defaultValue(MqttProtocolVersion.MQTT_5)
                    .withDescription("MQTT protocol version, MQTT_3_1_1 or MQTT_5.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("mqtt.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User name for the broker login.");

    public static final ConfigOption<String> PASSWORD_ENV =
            ConfigOptions.key("mqtt.password-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the environment variable (on the TaskManagers) that holds"
                                    + " the password.");

    public static final ConfigOption<String> PASSWORD_FILE =
            ConfigOptions.key("mqtt.password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a file (on the TaskManagers) whose content, without trailing"
                                    + " line breaks, is the password.");

    public static final ConfigOption<String> TLS_CA_FILE =
            ConfigOptions.key("mqtt.tls.ca-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file with the CA certificates to trust instead of the JVM's.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PATH =
            ConfigOptions.key("mqtt.tls.truststore.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Truststore file to trust instead of the JVM's.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_TYPE =
            ConfigOptions.key("mqtt.tls.truststore.type")
                    .stringType()
                    .defaultValue("PKCS12")
                    .withDescription("Type of the truststore, PKCS12 or JKS.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD =
            ConfigOptions.key("mqtt.tls.truststore.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of the truststore, if it has one.");

    public static final ConfigOption<String> TLS_CLIENT_CERT_FILE =
            ConfigOptions.key("mqtt.tls.client-cert-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("PEM client certificate chain for mutual TLS.");

    public static final ConfigOption<String> TLS_CLIENT_KEY_FILE =
            ConfigOptions.key("mqtt.tls.client-key-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM PKCS#8 unencrypted private key (RSA or EC) for mutual TLS.");

    public static final ConfigOption<Boolean> TLS_HOSTNAME_VERIFICATION =
            ConfigOptions.key("mqtt.tls.hostname-verification")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Check that the broker certificate names the host of the broker URI.");

    public static final ConfigOption<Duration> SESSION_EXPIRY =
            ConfigOptions.key("mqtt.session-expiry")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "MQTT 5 session expiry; must outlast any restart of the job (MQTT"
                                    + " 3.1.1 sessions do not expire unless the broker says so).");

    public static final ConfigOption<Duration> KEEP_ALIVE =
            ConfigOptions.key("mqtt.keep-alive")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("MQTT keep-alive interval (whole seconds, 1 s to 18 h).");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("mqtt.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long the first connection of a reader or writer may take before"
                                    + " the job fails; twice it plus 1 s bounds the wait for the"
                                    + " CONNACK and the SUBACK, and closing a client.");

    public static final ConfigOption<Duration> RECONNECT_INITIAL_BACKOFF =
            ConfigOptions.key("mqtt.reconnect.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription("Delay before the first reconnect attempt after a loss.");

    public static final ConfigOption<Duration> RECONNECT_MAX_BACKOFF =
            ConfigOptions.key("mqtt.reconnect.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription("Upper bound of the doubling, jittered reconnect delay.");

    public static final ConfigOption<MemorySize> MAX_PACKET_SIZE =
            ConfigOptions.key("mqtt.max-packet-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("256kb"))
                    .withDescription(
                            "Largest MQTT packet the client accepts (MQTT 5: announced in CONNECT,"
                                    + " so the broker drops a larger message for this client"
                                    + " instead of sending it; MQTT 3.1.1 has no such field, bound"
                                    + " it with the broker's message_size_limit).");

    /** Only the option classes of the source and the sink extend this one. */
    protected MqttConnectionOptions() {}
}
