package io.vigil.connectors.mqtt.source.enumerator;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Writes a {@link MqttEnumeratorState} as a count followed by the indexes. */
@Internal
public final class MqttEnumeratorStateSerializer
        implements SimpleVersionedSerializer<MqttEnumeratorState> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttEnumeratorState state) {
        Set<Integer> indexes = state.assignedIndexes();
        ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES * (1 + indexes.size()));
        buffer.putInt(indexes.size());
        indexes.forEach(buffer::putInt);
        return buffer.array();
    }

    @Override
    public MqttEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("Cannot read MQTT enumerator state of version " + version);
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(serialized);
            int count = buffer.getInt();
            Set<Integer> indexes = new HashSet<>();
            for (int i = 0; i < count; i++) {
                indexes.add(buffer.getInt());
            }
            if (buffer.hasRemaining()) {
                throw new IOException("Trailing bytes in MQTT enumerator state");
            }
            return new MqttEnumeratorState(indexes);
        } catch (BufferUnderflowException e) {
            throw new IOException("Truncated MQTT enumerator state", e);
        }
    }
}
