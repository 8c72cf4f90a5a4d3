package io.vigil.connectors.mqtt.connection;

import java.lang.reflect.Field;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a QoS 1/2 message came over the wire: its packet identifier, its DUP flag and the index of
 * the client's connection it came on. The HiveMQ client (1.4.2) keeps these inside its own classes
 * and hands a resent message over as a new one, so they are read from there; when they cannot be
 * read (another client version), {@link #UNKNOWN} says so and nothing relies on them.
 *
 * @param packetId the packet identifier, or -1 when unknown or QoS 0
 * @param dup whether the broker flagged the message as sent before
 * @param connection the client's connection index the message came on (counts up from 1)
 */
@Internal
public record MqttDelivery(int packetId, boolean dup, long connection) {

    /** Nothing known: never taken for a resent copy. */
    public static final MqttDelivery UNKNOWN = new MqttDelivery(-1, false, -1);

    private static final Logger LOG = LoggerFactory.getLogger(MqttDelivery.class);
    private static final Access ACCESS = Access.open();

    public boolean isKnown() {
        return packetId >= 0;
    }

    /** Whether the client internals could be read; false turns the redelivery check off. */
    public static boolean readable() {
        return ACCESS != null;
    }

    /**
     * Reads the delivery of an MQTT 5 publish ({@code MqttPublish}) or an MQTT 3 one (its view,
     * {@code Mqtt3PublishView}) as the client received it.
     */
    static MqttDelivery of(Object publish) {
        if (ACCESS == null) {
            return UNKNOWN;
        }
        try {
            return ACCESS.read(publish);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /** The fields of the HiveMQ client the delivery is read from. */
    private static final class Access {
        private final Class<?> v3View;
        private final Field v3Delegate;
        private final Field confirmable;
        private final Class<?> incomingConfirmable;
        private final Field publishWithFlows;
        private final Field statefulPublish;
        private final Field connectionIndex;
        private final Field packetIdentifier;
        private final Field dupFlag;

        private Access() throws ReflectiveOperationException {
            String base = "com.hivemq.client.internal.mqtt.";
            v3View = Class.forName(base + "message.publish.mqtt3.Mqtt3PublishView");
            v3Delegate = accessible(v3View, "delegate");
            confirmable =
                    accessible(Class.forName(base + "message.publish.MqttPublish"), "confirmable");
            incomingConfirmable =
                    Class.forName(base + "handler.publish.incoming.MqttIncomingPublishConfirmable");
            publishWithFlows = accessible(incomingConfirmable, "publishWithFlows");
            Class<?> withFlows =
                    Class.forName(base + "handler.publish.incoming.MqttStatefulPublishWithFlows");
            statefulPublish = accessible(withFlows, "publish");
            connectionIndex = accessible(withFlows, "connectionIndex");
            packetIdentifier =
                    accessible(
                            Class.forName(base + "message.MqttStatefulMessage$WithId"),
                            "packetIdentifier");
            dupFlag =
                    accessible(Class.forName(base + "message.publish.MqttStatefulPublish"), "dup");
        }

        static Access open() {
            try {
                return new Access();
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warn(
                        "Cannot read packet identifiers from the HiveMQ MQTT client ({}); messages"
                                + " a broker resends after a reconnect are emitted again",
                        e.toString());
                return null;
            }
        }

        MqttDelivery read(Object publish) throws ReflectiveOperationException {
            Object internal = v3View.isInstance(publish) ? v3Delegate.get(publish) : publish;
            Object confirm = confirmable.get(internal);
            if (!incomingConfirmable.isInstance(confirm)) {
                return UNKNOWN;
            }
            Object flows = publishWithFlows.get(confirm);
            Object stateful = statefulPublish.get(flows);
            return new MqttDelivery(
                    packetIdentifier.getInt(stateful),
                    dupFlag.getBoolean(stateful),
                    connectionIndex.getLong(flows));
        }

        private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }
    }
}
