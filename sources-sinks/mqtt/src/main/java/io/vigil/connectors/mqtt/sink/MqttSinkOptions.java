package io.vigil.connectors.mqtt.sink;

import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of {@link MqttSink}: the connection settings of {@link MqttConnectionOptions}
 * ({@code mqtt.broker-uris}, login, TLS, timeouts), which it shares with the source so that one
 * configuration serves both, and the publishing settings below.
 */
@PublicEvolving
public final class MqttSinkOptions extends MqttConnectionOptions {

    /** The client id prefix when neither this option nor {@code mqtt.client-id-prefix} is set. */
    public static final String DEFAULT_CLIENT_ID_PREFIX = "vigil-publisher";

    public static final ConfigOption<Integer> QOS =
            ConfigOptions.key("mqtt.sink.qos")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Publish QoS 0, 1 or 2; at-least-once needs 1 or 2 (QoS 0 may lose"
                                    + " messages).");

    public static final ConfigOption<String> CLIENT_ID_PREFIX =
            ConfigOptions.key("mqtt.sink.client-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Client id prefix of the publishers; subtask i connects as"
                                + " {prefix}-{i}. Defaults to {mqtt.client-id-prefix}-publisher, or"
                                + " vigil-publisher.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT =
            ConfigOptions.key("mqtt.sink.max-in-flight")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Publishes a writer may have unacknowledged; at this many, the writer"
                                    + " waits (backpressure).");

    public static final ConfigOption<Boolean> RETAIN =
            ConfigOptions.key("mqtt.sink.retain")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Publish with the retain flag set.");

    private MqttSinkOptions() {}
}
