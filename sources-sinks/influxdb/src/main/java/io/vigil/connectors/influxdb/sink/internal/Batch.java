package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import java.util.ArrayList;
import java.util.List;

/** Encoded points waiting to be sent together, with the dead letters found while encoding. */
final class Batch {

    final List<String> lines = new ArrayList<>();
    final List<InfluxDbPoint> points = new ArrayList<>();
    final List<String> deadLetters = new ArrayList<>();
    private long bytes;

    void add(String line, InfluxDbPoint point) {
        lines.add(line);
        points.add(point);
        bytes += utf8Length(line) + 1;
    }

    void addDeadLetter(String line) {
        deadLetters.add(line);
        bytes += utf8Length(line) + 1;
    }

    /** Points to write. */
    int size() {
        return lines.size();
    }

    /** Points and dead letters, which both count towards the batch limits. */
    int count() {
        return lines.size() + deadLetters.size();
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return lines.isEmpty() && deadLetters.isEmpty();
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
