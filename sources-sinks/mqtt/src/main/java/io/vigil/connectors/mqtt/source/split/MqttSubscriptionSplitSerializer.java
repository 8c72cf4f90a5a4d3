package io.vigil.connectors.mqtt.source.split;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes a {@link MqttSubscriptionSplit} as its index and its unacknowledged messages (version 2);
 * reads version 1 (the index alone) too.
 */
@Internal
public final class MqttSubscriptionSplitSerializer
        implements SimpleVersionedSerializer<MqttSubscriptionSplit> {

    private static final int VERSION = 2;
    private static final int INDEX_ONLY = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttSubscriptionSplit split) {
        Map<Integer, Long> unacknowledged = split.unacknowledged();
        ByteBuffer buffer =
                ByteBuffer.allocate(
                        2 * Integer.BYTES + unacknowledged.size() * (Integer.BYTES + Long.BYTES));
        buffer.putInt(split.index()).putInt(unacknowledged.size());
        unacknowledged.forEach(
                (packetId, fingerprint) -> buffer.putInt(packetId).putLong(fingerprint));
        return buffer.array();
    }

    @Override
    public MqttSubscriptionSplit deserialize(int version, byte[] serialized) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(serialized);
        try {
            if (version == INDEX_ONLY && serialized.length == Integer.BYTES) {
                return new MqttSubscriptionSplit(buffer.getInt());
            }
            if (version == VERSION) {
                int index = buffer.getInt();
                int count = buffer.getInt();
                if (count >= 0 && buffer.remaining() == count * (Integer.BYTES + Long.BYTES)) {
                    Map<Integer, Long> unacknowledged = new HashMap<>();
                    for (int i = 0; i < count; i++) {
                        unacknowledged.put(buffer.getInt(), buffer.getLong());
                    }
                    return new MqttSubscriptionSplit(index, unacknowledged);
                }
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException(describe(version, serialized), e);
        }
        throw new IOException(describe(version, serialized));
    }

    private static String describe(int version, byte[] serialized) {
        return String.format(
                "Cannot read MQTT split of version %d and %d bytes", version, serialized.length);
    }
}
