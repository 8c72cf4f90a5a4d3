package io.vigil.connectors.mqtt.source.reader;

import io.vigil.connectors.mqtt.connection.MqttDelivery;
import io.vigil.connectors.mqtt.source.MqttMessage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * Recognises the QoS 1 messages a broker resends after a reconnect to a session it kept, so that
 * the reader does not emit them a second time into live state (a reconnect is no Flink rollback;
 * after a restore the reader is new and emits everything the broker resends, as it must).
 *
 * <p>A broker resends an unacknowledged message with its original packet identifier and the DUP
 * flag set, and cannot give that identifier to another message while the first is unacknowledged.
 * So a message is taken for a resent copy only if all of these hold: it carries DUP; this reader
 * emitted a message with the same packet identifier on an earlier connection of the same broker
 * session; nothing has reused that identifier since (a reuse replaces the entry); and topic and
 * payload are the same (a fingerprint). This also catches a copy whose acknowledgement was written
 * just before the connection died and never reached the broker. The table holds at most one entry
 * per packet identifier per session, so at most 65 535 per session. Used by the reader thread only.
 */
@Internal
final class Redeliveries {

    private final Map<MqttSessionClient, Map<Integer, Emitted>> emitted = new HashMap<>();

    /**
     * Whether {@code received} is the resent copy of a message this reader already emitted; if not,
     * remembers it as emitted.
     */
    boolean isResentCopy(ReceivedMessage received) {
        MqttDelivery delivery = received.delivery();
        if (received.message().getQos() != 1 || !delivery.isKnown()) {
            // QoS 2: the client itself never hands a resent copy over twice.
            return false;
        }
        MqttSessionClient client = received.client();
        Map<Integer, Emitted> byPacketId = emitted.computeIfAbsent(client, c -> new HashMap<>());
        long fingerprint = fingerprint(received.message());
        int generation = client.sessionGeneration();
        Emitted earlier = byPacketId.get(delivery.packetId());
        if (delivery.dup()
                && earlier != null
                && earlier.generation == generation
                && earlier.connection < delivery.connection()
                && earlier.fingerprint == fingerprint) {
            // A later connection may resend it once more.
            earlier.connection = delivery.connection();
            return true;
        }
        byPacketId.put(
                delivery.packetId(), new Emitted(delivery.connection(), generation, fingerprint));
        return false;
    }

    /**
     * Takes the messages a restored checkpoint holds unacknowledged ({@link
     * io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit#unacknowledged}) as emitted
     * before the client's first connection: the task that emitted them died after the checkpoint
     * completed and before it acknowledged them, so the broker sends them again (DUP, same packet
     * identifier) and the restored state already holds them.
     */
    void restore(MqttSessionClient client, Map<Integer, Long> unacknowledged) {
        Map<Integer, Emitted> byPacketId = emitted.computeIfAbsent(client, c -> new HashMap<>());
        int generation = client.sessionGeneration();
        // Connections count from 1: every connection of the restored client is later.
        unacknowledged.forEach(
                (packetId, fingerprint) ->
                        byPacketId.put(packetId, new Emitted(0, generation, fingerprint)));
    }

    /** Entries held for a session, for tests. */
    int size(MqttSessionClient client) {
        Map<Integer, Emitted> byPacketId = emitted.get(client);
        return byPacketId == null ? 0 : byPacketId.size();
    }

    /** Topic and payload of a message, to tell a resent copy from another message. */
    static long fingerprint(MqttMessage message) {
        return ((long) message.getTopic().hashCode() << 32)
                ^ (Arrays.hashCode(message.getPayload()) & 0xffffffffL)
                ^ ((long) message.getPayload().length << 16);
    }

    private static final class Emitted {
        long connection;
        final int generation;
        final long fingerprint;

        Emitted(long connection, int generation, long fingerprint) {
            this.connection = connection;
            this.generation = generation;
            this.fingerprint = fingerprint;
        }
    }
}
