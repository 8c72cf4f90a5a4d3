package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

/**
 * Writes buffered entries into checkpoints as their points (measurement, tags, typed fields,
 * timestamp); a restored point is encoded again. The writer flushes everything before a barrier, so
 * this only carries what a future change to that might leave buffered.
 */
@Internal
public final class InfluxDbLineSerializer extends AsyncSinkWriterStateSerializer<InfluxDbLine> {

    private static final byte LONG = 0;
    private static final byte DOUBLE = 1;
    private static final byte BOOLEAN = 2;
    private static final byte STRING = 3;

    @Override
    protected void serializeRequestToStream(InfluxDbLine entry, DataOutputStream out)
            throws IOException {
        InfluxDbPoint point = entry.point;
        writeString(out, point.measurement());
        out.writeInt(point.tags().size());
        for (Map.Entry<String, String> tag : point.tags().entrySet()) {
            writeString(out, tag.getKey());
            writeString(out, tag.getValue());
        }
        out.writeInt(point.fields().size());
        for (Map.Entry<String, Object> field : point.fields().entrySet()) {
            writeString(out, field.getKey());
            Object value = field.getValue();
            if (value instanceof Long) {
                out.writeByte(LONG);
                out.writeLong((Long) value);
            } else if (value instanceof Double) {
                out.writeByte(DOUBLE);
                out.writeDouble((Double) value);
            } else if (value instanceof Boolean) {
                out.writeByte(BOOLEAN);
                out.writeBoolean((Boolean) value);
            } else {
                out.writeByte(STRING);
                writeString(out, (String) value);
            }
        }
        out.writeLong(point.timestampMillis());
        out.writeInt(point.nanoOfMillisecond());
    }

    @Override
    protected InfluxDbLine deserializeRequestFromStream(long requestSize, DataInputStream in)
            throws IOException {
        InfluxDbPoint.Builder point = InfluxDbPoint.builder(readString(in));
        for (int tags = in.readInt(); tags > 0; tags--) {
            point.tag(readString(in), readString(in));
        }
        for (int fields = in.readInt(); fields > 0; fields--) {
            String key = readString(in);
            byte type = in.readByte();
            switch (type) {
                case LONG:
                    point.field(key, in.readLong());
                    break;
                case DOUBLE:
                    point.field(key, in.readDouble());
                    break;
                case BOOLEAN:
                    point.field(key, in.readBoolean());
                    break;
                case STRING:
                    point.field(key, readString(in));
                    break;
                default:
                    throw new IOException("Unknown field type " + type + " of field " + key);
            }
        }
        long millis = in.readLong();
        return InfluxDbLine.of(point.timestamp(millis, in.readInt()).build());
    }

    @Override
    public int getVersion() {
        return 1;
    }

    // writeUTF would cap strings at 64 KiB.
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
