package io.vigil.connectors.influxdb.sink;

import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Encodes {@link InfluxDbPoint}s as InfluxDB line protocol with nanosecond timestamps.
 *
 * <p>Nanoseconds are InfluxDB's own resolution: a millisecond timestamp {@code t} is stored exactly
 * as it would be with {@code precision=ms}, and points that set {@link
 * InfluxDbPoint#nanoOfMillisecond()} can be told apart within one millisecond.
 *
 * <p>Escaping follows the InfluxDB 1.x parser, which the 2.x and 3.x v1 write endpoints share:
 * measurements escape commas and spaces; tag keys, tag values and field keys also escape equals
 * signs; string field values are double-quoted with quotes and backslashes escaped, and may hold
 * newlines. Line protocol cannot carry everything: a newline in a name or tag, a backslash at the
 * end of a name, an odd run of backslashes before a character that needs escaping, an empty name,
 * the reserved key {@code time}, a measurement starting with {@code #} (a comment line), NaN or
 * infinite floats, and timestamps outside InfluxDB's range are refused with an {@link
 * UnrepresentablePointException} instead of being written wrong. Tags with empty values are left
 * out, which is how InfluxDB reads them anyway.
 */
@PublicEvolving
public final class LineProtocol {

    private LineProtocol() {}

    /** Returns the point as one line of line protocol (nanosecond timestamp), without newline. */
    public static String encode(InfluxDbPoint point) {
        StringBuilder line = new StringBuilder(64);
        appendMeasurement(line, point.measurement());
        for (Map.Entry<String, String> tag : point.tags().entrySet()) {
            if (tag.getValue().isEmpty()) {
                continue;
            }
            line.append(',');
            appendName(line, tag.getKey(), "tag key", point);
            line.append('=');
            appendName(line, tag.getValue(), "tag value", point);
        }
        char separator = ' ';
        for (Map.Entry<String, Object> field : point.fields().entrySet()) {
            line.append(separator);
            separator = ',';
            appendName(line, field.getKey(), "field key", point);
            line.append('=');
            appendFieldValue(line, field.getKey(), field.getValue(), point);
        }
        long nanos;
        try {
            nanos =
                    Math.addExact(
                            Math.multiplyExact(point.timestampMillis(), 1_000_000L),
                            point.nanoOfMillisecond());
        } catch (ArithmeticException e) {
            throw new UnrepresentablePointException(
                    String.format(
                            "timestamp %d ms is outside InfluxDB's range (nanoseconds in a signed"
                                    + " 64-bit integer)",
                            point.timestampMillis()));
        }
        line.append(' ').append(nanos);
        return line.toString();
    }

    /** Returns InfluxDB's name for the type of a field value: integer, float, boolean, string. */
    public static String fieldType(Object value) {
        if (value instanceof Long) {
            return "integer";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof String) {
            return "string";
        }
        throw new IllegalArgumentException("Not an InfluxDB field value: " + value);
    }

    /** Escapes a measurement name: commas and spaces. */
    public static String escapeMeasurement(String measurement) {
        StringBuilder out = new StringBuilder(measurement.length() + 8);
        appendMeasurement(out, measurement);
        return out.toString();
    }

    /** Escapes a tag key, tag value or field key: commas, equals signs and spaces. */
    public static String escapeName(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        appendEscaped(out, name, true, "name");
        return out.toString();
    }

    /** Returns a string field value in double quotes with quotes and backslashes escaped. */
    public static String quoteString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        appendQuoted(out, value);
        return out.toString();
    }

    private static void appendMeasurement(StringBuilder out, String measurement) {
        if (measurement.isEmpty()) {
            throw new UnrepresentablePointException("the measurement is empty");
        }
        if (measurement.charAt(0) == '#') {
            throw new UnrepresentablePointException(
                    String.format(
                            "measurement '%s' starts with '#', which makes a comment line",
                            measurement));
        }
        appendEscaped(out, measurement, false, "measurement");
    }

    private static void appendName(StringBuilder out, String name, String what, InfluxDbPoint p) {
        if (name.isEmpty()) {
            throw new UnrepresentablePointException(
                    String.format("a %s of measurement '%s' is empty", what, p.measurement()));
        }
        if (!what.equals("tag value") && name.equals("time")) {
            throw new UnrepresentablePointException(
                    String.format(
                            "'time' is reserved and cannot be a %s (measurement '%s')",
                            what, p.measurement()));
        }
        appendEscaped(out, name, true, what);
    }

    private static void appendEscaped(
            StringBuilder out, String name, boolean escapeEquals, String what) {
        int backslashRun = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\n') {
                throw new UnrepresentablePointException(
                        String.format("%s '%s' contains a newline", what, name));
            }
            boolean needsEscape = c == ',' || c == ' ' || (escapeEquals && c == '=');
            if (needsEscape) {
                requireEvenBackslashRun(backslashRun, name, what);
                out.append('\\');
            }
            out.append(c);
            backslashRun = c == '\\' ? backslashRun + 1 : 0;
        }
        // InfluxDB's tag and measurement scanners take any backslash before a separator as an
        // escape, so a name cannot end in a backslash.
        if (backslashRun > 0) {
            throw new UnrepresentablePointException(
                    String.format(
                            "%s '%s' ends with a backslash, which line protocol cannot carry",
                            what, name));
        }
    }

    private static void requireEvenBackslashRun(int run, String name, String what) {
        if (run % 2 == 1) {
            throw new UnrepresentablePointException(
                    String.format(
                            "%s '%s' has an odd run of backslashes before a comma, space or"
                                    + " equals sign, which line protocol cannot carry",
                            what, name));
        }
    }

    private static void appendFieldValue(
            StringBuilder out, String key, Object value, InfluxDbPoint point) {
        if (value instanceof Long) {
            out.append((long) (Long) value).append('i');
        } else if (value instanceof Double) {
            double d = (Double) value;
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new UnrepresentablePointException(
                        String.format(
                                "field '%s' of measurement '%s' is %s; InfluxDB stores only"
                                        + " finite floats",
                                key, point.measurement(), d));
            }
            out.append(d);
        } else if (value instanceof Boolean) {
            out.append((boolean) (Boolean) value);
        } else if (value instanceof String) {
            appendQuoted(out, (String) value);
        } else {
            throw new UnrepresentablePointException(
                    String.format(
                            "field '%s' of measurement '%s' has unsupported type %s",
                            key, point.measurement(), value.getClass().getName()));
        }
    }

    private static void appendQuoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
