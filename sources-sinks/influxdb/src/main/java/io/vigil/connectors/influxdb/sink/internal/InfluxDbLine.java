package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.connectors.influxdb.sink.UnrepresentablePointException;
import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * The sink's request entry: one point with its line of line protocol, or, when line protocol cannot
 * carry the point, the reason why (it then goes to the rejected-point handler when its batch is
 * sent, so that it is acknowledged with the batch). The point is kept for the field types that tell
 * which points of a batch InfluxDB rejected.
 */
@Internal
public final class InfluxDbLine implements Serializable {

    private static final long serialVersionUID = 1L;

    final InfluxDbPoint point;

    /** The encoded line, or null when the point cannot be encoded. */
    final String line;

    /** Why the point cannot be encoded, or null. */
    final String problem;

    /** UTF-8 bytes the entry adds to a request, its newline included. */
    final int bytes;

    private InfluxDbLine(InfluxDbPoint point, String line, String problem) {
        this.point = point;
        this.line = line;
        this.problem = problem;
        this.bytes = utf8Length(line != null ? line : point.toString()) + 1;
    }

    /** Encodes the point; a point line protocol cannot carry becomes an unencodable entry. */
    static InfluxDbLine of(InfluxDbPoint point) {
        try {
            return new InfluxDbLine(point, LineProtocol.encode(point), null);
        } catch (UnrepresentablePointException e) {
            return new InfluxDbLine(point, null, e.getMessage());
        }
    }

    boolean encoded() {
        return line != null;
    }

    static int utf8Length(String s) {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
