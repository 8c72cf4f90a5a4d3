package io.vigil.connectors.mqtt.source.split;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Writes a {@link MqttSubscriptionSplit} as its index. */
@Internal
public final class MqttSubscriptionSplitSerializer
        implements SimpleVersionedSerializer<MqttSubscriptionSplit> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(MqttSubscriptionSplit split) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(split.index()).array();
    }

    @Override
    public MqttSubscriptionSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION || serialized.length != Integer.BYTES) {
            throw new IOException(
                    String.format(
                            "Cannot read MQTT split of version %d and %d bytes",
                            version, serialized.length));
        }
        return new MqttSubscriptionSplit(ByteBuffer.wrap(serialized).getInt());
    }
}
