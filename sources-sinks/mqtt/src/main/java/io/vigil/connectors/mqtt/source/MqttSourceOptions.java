package io.vigil.connectors.mqtt.source;

import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of {@link MqttSource}, as typed Flink {@link ConfigOption}s: the connection
 * settings of {@link MqttConnectionOptions} and the subscription settings below.
 */
@PublicEvolving
public final class MqttSourceOptions extends MqttConnectionOptions {

    public static final ConfigOption<List<String>> TOPIC_FILTERS =
            ConfigOptions.key("mqtt.topic-filters")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription("Topic filters to subscribe to; + and # wildcards allowed.");

    public static final ConfigOption<Integer> QOS =
            ConfigOptions.key("mqtt.qos")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "Subscription QoS 0, 1 or 2; only QoS 1 and 2 survive a failure.");

    public static final ConfigOption<String> CLIENT_ID_PREFIX =
            ConfigOptions.key("mqtt.client-id-prefix")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Client id prefix; subtask i connects as {prefix}-{i}, which names its"
                                    + " persistent session, so it must be unique per job.");

    public static final ConfigOption<String> SHARED_SUBSCRIPTION_GROUP =
            ConfigOptions.key("mqtt.shared-subscription.group")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Group of the shared subscription $share/{group}/{filter}; defaults to"
                                    + " the client id prefix.");

    public static final ConfigOption<Boolean> SHARED_SUBSCRIPTION_ALWAYS =
            ConfigOptions.key("mqtt.shared-subscription.always")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Subscribe through a shared subscription even at parallelism 1 (keeps"
                                    + " the same subscription when the job is later scaled out).");

    public static final ConfigOption<Integer> QUEUE_CAPACITY =
            ConfigOptions.key("mqtt.queue-capacity")
                    .intType()
                    .defaultValue(20_000)
                    .withDescription(
                            "Messages the client may hand over to the reader before the reader"
                                    + " takes them; beyond it the client stops taking messages."
                                    + " Keep it at least the receive maximum per session.");

    public static final ConfigOption<Integer> RECEIVE_MAXIMUM =
            ConfigOptions.key("mqtt.receive-maximum")
                    .intType()
                    .defaultValue(65_535)
                    .withDescription(
                            "MQTT 5 receive maximum (1 to 65535): QoS 1/2 messages the broker may"
                                    + " have unacknowledged with one session, that is, per"
                                    + " checkpoint interval; also the most a reader asks for"
                                    + " while acknowledgements are pending (MQTT 3.1.1 too)."
                                    + " A session must never reach it: Mosquitto 2.0.11 then"
                                    + " sends more than it allows.");

    public static final ConfigOption<Integer> SESSIONS_PER_READER =
            ConfigOptions.key("mqtt.sessions-per-reader")
                    .intType()
                    .defaultValue(1)
                    .withDescription(
                            "MQTT sessions each reader holds, sharing one shared subscription (so"
                                    + " more than 1 subscribes through $share/ even at"
                                    + " parallelism 1): each has its own in-flight window of"
                                    + " mqtt.receive-maximum, so a reader may hold this many times"
                                    + " as many messages unacknowledged.");

    private MqttSourceOptions() {}
}
