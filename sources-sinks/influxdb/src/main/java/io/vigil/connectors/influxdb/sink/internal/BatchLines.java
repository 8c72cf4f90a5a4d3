package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbWriteException;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.connectors.influxdb.sink.UnrepresentablePointException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/**
 * The lines of a batch: its request body, a short sample of them for messages, which of them
 * InfluxDB rejected when it wrote the batch in part or refused it for a conflict within it, and the
 * lines written in place of rejected points.
 */
@Internal
final class BatchLines {

    private static final int SAMPLE_LINES = 3;
    private static final int SAMPLE_LINE_CHARS = 300;

    private BatchLines() {}

    /**
     * Names the points dropped by a partial write. InfluxDB names only the first conflict (field,
     * measurement, existing type); every point of that measurement holding that field with another
     * type was dropped. Points dropped for other reasons cannot be told apart, so one summary
     * stands for them with their count; lines InfluxDB could not parse are named in its message,
     * one each.
     *
     * @return the number of points dropped
     */
    static int collectRejected(
            WriteResponse response, List<InfluxDbLine> batch, List<InfluxDbRejectedPoint> out) {
        String message = response.errorMessage();
        int identified = 0;
        String[] conflict = response.fieldTypeConflict();
        if (conflict != null) {
            String field = conflict[0];
            String measurement = conflict[1];
            String existingType = conflict[3];
            for (InfluxDbLine entry : batch) {
                Object value = entry.point.fields().get(field);
                if (value != null
                        && entry.point.measurement().equals(measurement)
                        && !LineProtocol.fieldType(value).equals(existingType)) {
                    out.add(new InfluxDbRejectedPoint(measurement, entry.line, message, 1));
                    identified++;
                }
            }
        }
        List<String> unparsable = response.unparsable();
        for (String problem : unparsable) {
            out.add(new InfluxDbRejectedPoint("", problem, "unable to parse", 1));
        }
        int dropped = response.droppedPoints();
        int unidentified =
                dropped < 0 ? (identified + unparsable.size() == 0 ? 1 : 0) : dropped - identified;
        if (unidentified > 0) {
            String measurement = conflict != null ? conflict[1] : "";
            out.add(new InfluxDbRejectedPoint(measurement, message, message, unidentified));
        }
        return identified + unparsable.size() + Math.max(unidentified, 0);
    }

    /**
     * Splits a batch that InfluxDB refused because its points disagree on the type of a new field.
     * As InfluxDB would, the first point to use a field fixes its type; later points of the batch
     * with another type for it are rejected and the others are kept to be sent again.
     *
     * @return the number of points rejected
     */
    static int splitConflictsInBatch(
            WriteResponse response,
            List<InfluxDbLine> batch,
            List<InfluxDbLine> kept,
            List<InfluxDbRejectedPoint> out) {
        Map<String, String> typeOfField = new HashMap<>();
        int rejected = 0;
        for (InfluxDbLine entry : batch) {
            InfluxDbPoint point = entry.point;
            boolean conflict = false;
            for (Map.Entry<String, Object> field : point.fields().entrySet()) {
                String known = typeOfField.get(point.measurement() + '\n' + field.getKey());
                conflict |=
                        known != null && !known.equals(LineProtocol.fieldType(field.getValue()));
            }
            if (conflict) {
                out.add(
                        new InfluxDbRejectedPoint(
                                point.measurement(),
                                entry.line,
                                response.errorMessage() + " within one batch",
                                1));
                rejected++;
                continue;
            }
            for (Map.Entry<String, Object> field : point.fields().entrySet()) {
                typeOfField.putIfAbsent(
                        point.measurement() + '\n' + field.getKey(),
                        LineProtocol.fieldType(field.getValue()));
            }
            kept.add(entry);
        }
        return rejected;
    }

    /** The line of what the handler wrote in place of a rejected point. */
    static String encodeReplacement(InfluxDbPoint replacement, InfluxDbRejectedPoint of) {
        try {
            return LineProtocol.encode(replacement);
        } catch (UnrepresentablePointException e) {
            throw new InfluxDbWriteException(
                    String.format(
                            "The rejected-point handler returned %s for %s, which line protocol"
                                    + " cannot carry: %s",
                            replacement, of, e.getMessage()),
                    e);
        }
    }

    static String body(List<InfluxDbLine> batch) {
        StringBuilder body = new StringBuilder();
        for (InfluxDbLine entry : batch) {
            if (body.length() > 0) {
                body.append('\n');
            }
            body.append(entry.line);
        }
        return body.toString();
    }

    static List<String> lines(List<InfluxDbLine> batch) {
        List<String> lines = new ArrayList<>(Math.min(batch.size(), SAMPLE_LINES + 1));
        for (InfluxDbLine entry : batch) {
            lines.add(entry.line);
        }
        return lines;
    }

    static String sample(List<String> lines) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < Math.min(SAMPLE_LINES, lines.size()); i++) {
            String line = lines.get(i);
            out.append(i == 0 ? "" : ", ")
                    .append(
                            line.length() > SAMPLE_LINE_CHARS
                                    ? line.substring(0, SAMPLE_LINE_CHARS) + "..."
                                    : line);
        }
        if (lines.size() > SAMPLE_LINES) {
            out.append(", ... ").append(lines.size() - SAMPLE_LINES).append(" more");
        }
        return out.append(']').toString();
    }
}
