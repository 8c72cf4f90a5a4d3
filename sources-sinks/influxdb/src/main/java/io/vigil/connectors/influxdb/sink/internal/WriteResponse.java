package io.vigil.connectors.influxdb.sink.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;

/** The parts of an InfluxDB {@code /write} response that decide what happens next. */
@Internal
public final class WriteResponse {

    /** What to do with a response. */
    public enum Kind {
        /** Every point was written. */
        SUCCESS,
        /** Nothing, or not all, was written for a reason that may pass: retry the whole batch. */
        RETRYABLE,
        /** Some points were rejected (a field type conflict), the others were written. */
        PARTIAL,
        /**
         * Nothing was written because points of the batch disagree on a new field's type (InfluxDB
         * 1.x names no point): the batch must be split and sent again.
         */
        CONFLICT_IN_BATCH,
        /**
         * Nothing was written because InfluxDB could not parse the only line(s) of the batch (a key
         * over 64 KiB, say): the points to blame must be found by sending parts of the batch.
         */
        UNPARSABLE_BATCH,
        /** The request is wrong or not allowed: retrying cannot help. */
        FATAL
    }

    private static final Pattern DROPPED = Pattern.compile("dropped=(\\d+)\\s*$");
    private static final Pattern FIELD_TYPE_CONFLICT =
            Pattern.compile(
                    "field type conflict: input field \"(.*?)\" on measurement \"(.*?)\" is type"
                            + " (\\w+), already exists as type (\\w+)");

    final int status;
    final String body;
    final Duration retryAfter;

    public WriteResponse(int status, String body, Duration retryAfter) {
        this.status = status;
        this.body = body == null ? "" : body;
        this.retryAfter = retryAfter;
    }

    /** Connection failures, timeouts, 5xx and 429 are retryable; other 4xx are fatal. */
    public Kind kind() {
        if (status >= 200 && status < 300) {
            return Kind.SUCCESS;
        }
        if (status == 429 || status == 408 || status >= 500) {
            return Kind.RETRYABLE;
        }
        if (status == 400) {
            String message = errorMessage();
            if (message.startsWith("partial write")) {
                return Kind.PARTIAL;
            }
            if (message.startsWith("field type conflict")) {
                return Kind.CONFLICT_IN_BATCH;
            }
            if (message.startsWith("unable to parse")) {
                return Kind.UNPARSABLE_BATCH;
            }
        }
        return Kind.FATAL;
    }

    /** The server's error message: the {@code error} member of the JSON body, else the body. */
    public String errorMessage() {
        String marker = "\"error\":\"";
        int start = body.indexOf(marker);
        if (start < 0) {
            return body.strip();
        }
        StringBuilder out = new StringBuilder();
        for (int i = start + marker.length(); i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < body.length()) {
                char next = body.charAt(++i);
                switch (next) {
                    case 'n':
                        out.append('\n');
                        break;
                    case 't':
                        out.append('\t');
                        break;
                    case 'r':
                        out.append('\r');
                        break;
                    case 'u':
                        if (i + 4 < body.length()) {
                            out.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                        break;
                    default:
                        out.append(next);
                }
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** For a partial write, the number of points InfluxDB dropped, or -1 if not stated. */
    int droppedPoints() {
        Matcher m = DROPPED.matcher(errorMessage());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * For a partial write with lines InfluxDB could not parse, each "unable to parse" message (with
     * the line in it); these lines are not in the dropped count.
     */
    List<String> unparsable() {
        String message = errorMessage();
        List<String> out = new ArrayList<>();
        String marker = "unable to parse '";
        int at = message.indexOf(marker);
        while (at >= 0) {
            int next = message.indexOf(marker, at + marker.length());
            out.add(message.substring(at, next < 0 ? message.length() : next).strip());
            at = next;
        }
        return out;
    }

    /** For a field type conflict, {field, measurement, input type, existing type}; else null. */
    String[] fieldTypeConflict() {
        Matcher m = FIELD_TYPE_CONFLICT.matcher(errorMessage());
        return m.find() ? new String[] {m.group(1), m.group(2), m.group(3), m.group(4)} : null;
    }
}
