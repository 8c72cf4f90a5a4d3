package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.LineProtocol;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the dead-letter points for what the sink cannot write: tags {@code reason=rejected-by-sink}
 * and {@code topic=<measurement>}, fields {@code payload} (the line, cut to 1 KiB), {@code error}
 * and {@code count}. Their nanosecond timestamps are made unique per subtask, so that two dead
 * letters never overwrite each other.
 */
final class DeadLetters {

    static final String REASON = "rejected-by-sink";
    static final int MAX_TEXT_BYTES = 1024;

    private final String measurement;
    private final int subtask;
    private final AtomicLong sequence = new AtomicLong();

    DeadLetters(String measurement, int subtask) {
        this.measurement = measurement;
        this.subtask = subtask;
    }

    boolean enabled() {
        return !measurement.isEmpty();
    }

    /** One line of line protocol with a nanosecond timestamp. */
    String line(String topic, String payload, String error, long count) {
        long nanos =
                System.currentTimeMillis() * 1_000_000L
                        + (subtask % 1000) * 1000L
                        + sequence.getAndIncrement() % 1000;
        StringBuilder line = new StringBuilder(128);
        line.append(LineProtocol.escapeMeasurement(measurement)).append(",reason=").append(REASON);
        String safeTopic = topic.replace('\n', ' ').replace('\\', '/');
        if (!safeTopic.isEmpty()) {
            line.append(",topic=").append(LineProtocol.escapeName(safeTopic));
        }
        line.append(" count=")
                .append(count)
                .append("i,error=")
                .append(LineProtocol.quoteString(cut(error)))
                .append(",payload=")
                .append(LineProtocol.quoteString(cut(payload)))
                .append(' ')
                .append(nanos);
        return line.toString();
    }

    /** Cuts to at most 1 KiB of UTF-8 without splitting a character. */
    static String cut(String text) {
        if (text.length() * 3 <= MAX_TEXT_BYTES) {
            return text;
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 4 : 3;
            if (bytes + size > MAX_TEXT_BYTES) {
                return text.substring(0, i);
            }
            bytes += size;
            if (size == 4) {
                i++;
            }
        }
        return text;
    }
}
