package io.vigil.connectors.mqtt.source.reader;

import io.vigil.connectors.mqtt.source.MqttMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.Internal;

/**
 * Recognises the QoS 1/2 messages a broker resends after a reconnect to a session it kept: the
 * emitted messages whose acknowledgement has not reached the broker. The client API gives neither
 * the DUP flag nor the packet id, so a message received on a later connection of the same session
 * that equals (topic, payload, QoS, retain) such an emitted one is taken as its resent copy, once
 * per emitted message. That is exact because the broker resends every one of them (the session is
 * present) and an acknowledgement run on a later connection is dropped by the client, not sent.
 * Used by the reader thread only.
 */
@Internal
final class Redeliveries {

    private final Map<Key, List<ReceivedMessage>> unacknowledged = new HashMap<>();

    /** A message the reader emitted; it owes the broker its acknowledgement. */
    void emitted(ReceivedMessage received) {
        unacknowledged
                .computeIfAbsent(new Key(received.message()), k -> new ArrayList<>())
                .add(received);
    }

    /**
     * Its acknowledgement ran. On the connection it came with, the broker now has it; on a later
     * one the client dropped it unsent, so the broker resends the message and it stays expected,
     * unless the broker lost that session meanwhile.
     */
    void acknowledged(ReceivedMessage received) {
        MqttSessionClient client = received.client();
        if (received.connection() == client.connection()
                || received.connection() < client.sessionStart()) {
            remove(new Key(received.message()), received);
        }
    }

    /**
     * Whether this message is the resent copy of an emitted one; if so, that one is no longer
     * expected (the copy's own acknowledgement is the one the broker now waits for).
     */
    boolean isResent(ReceivedMessage received) {
        Key key = new Key(received.message());
        List<ReceivedMessage> candidates = unacknowledged.get(key);
        if (candidates == null) {
            return false;
        }
        MqttSessionClient client = received.client();
        for (Iterator<ReceivedMessage> it = candidates.iterator(); it.hasNext(); ) {
            ReceivedMessage earlier = it.next();
            if (earlier.client() != client) {
                continue;
            }
            if (earlier.connection() < client.sessionStart()) {
                // The broker lost that session: it will never resend this one.
                it.remove();
            } else if (earlier.connection() < received.connection()) {
                it.remove();
                if (candidates.isEmpty()) {
                    unacknowledged.remove(key);
                }
                return true;
            }
        }
        if (candidates.isEmpty()) {
            unacknowledged.remove(key);
        }
        return false;
    }

    private void remove(Key key, ReceivedMessage received) {
        List<ReceivedMessage> candidates = unacknowledged.get(key);
        if (candidates == null) {
            return;
        }
        for (Iterator<ReceivedMessage> it = candidates.iterator(); it.hasNext(); ) {
            if (it.next() == received) {
                it.remove();
                break;
            }
        }
        if (candidates.isEmpty()) {
            unacknowledged.remove(key);
        }
    }

    /** Messages the broker still has to resend or acknowledge, for tests. */
    int expected() {
        return unacknowledged.values().stream().mapToInt(List::size).sum();
    }

    /** What the broker keeps of a message when it resends it. */
    private static final class Key {
        private final String topic;
        private final byte[] payload;
        private final int qos;
        private final boolean retain;

        Key(MqttMessage message) {
            this.topic = message.getTopic();
            this.payload = message.getPayload();
            this.qos = message.getQos();
            this.retain = message.isRetained();
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key that = (Key) o;
            return qos == that.qos
                    && retain == that.retain
                    && topic.equals(that.topic)
                    && Arrays.equals(payload, that.payload);
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, Arrays.hashCode(payload), qos, retain);
        }
    }
}
