package io.vigil.parsing;

import static io.vigil.parsing.JsonFields.describe;
import static io.vigil.parsing.JsonFields.quote;
import static io.vigil.parsing.JsonFields.shortNumber;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.model.DeadLetterReason;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;

/**
 * Reads a plain reading's {@code ts} (epoch milliseconds or ISO-8601) and holds every time against
 * the future bound; static, so that a message costs no reader object.
 */
final class Timestamps {

    private Timestamps() {}

    /** The {@code ts} of a plain reading: epoch milliseconds or an ISO-8601 date-time. */
    static long epochMillis(JsonNode ts) throws Rejection {
        long millis;
        if (ts.isNumber()) {
            double asDouble = ts.doubleValue();
            if (!Double.isFinite(asDouble)) {
                throw new Rejection(
                        DeadLetterReason.BAD_TIMESTAMP,
                        "field 'ts' is not a finite number of epoch milliseconds");
            }
            if (ts.canConvertToExactIntegral() && ts.canConvertToLong()) {
                millis = ts.longValue();
            } else if (asDouble >= Long.MIN_VALUE && asDouble < Long.MAX_VALUE) {
                millis = (long) Math.floor(asDouble);
            } else {
                throw new Rejection(
                        DeadLetterReason.BAD_TIMESTAMP,
                        String.format(
                                "field 'ts' %s is out of range of epoch milliseconds",
                                shortNumber(ts.decimalValue())));
            }
        } else if (ts.isTextual()) {
            millis = parseIso(ts.textValue());
        } else {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format(
                            "field 'ts' is %s, expected epoch milliseconds or an ISO-8601 string",
                            describe(ts)));
        }
        if (millis < 0) {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format("field 'ts' %d is negative, before 1970-01-01", millis));
        }
        return millis;
    }

    /**
     * The timestamp, unless it lies more than {@code maxFutureSkewMillis} after the arrival time;
     * {@code field} names the time in the detail.
     */
    static long checkFuture(
            long timestamp, String field, long arrivalTime, long maxFutureSkewMillis)
            throws Rejection {
        long limit = saturatedAdd(arrivalTime, maxFutureSkewMillis);
        if (timestamp > limit) {
            throw new Rejection(
                    DeadLetterReason.FUTURE_TIMESTAMP,
                    String.format(
                            "%s %s is %s after the arrival time %s, more than the allowed %s",
                            field,
                            formatMillis(timestamp),
                            Duration.ofMillis(timestamp - arrivalTime),
                            formatMillis(arrivalTime),
                            Duration.ofMillis(maxFutureSkewMillis)));
        }
        return timestamp;
    }

    private static long parseIso(String text) throws Rejection {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            String problem =
                    isLocalDateTime(text)
                            ? "has no UTC offset (add Z or +01:00)"
                            : "is not an ISO-8601 date-time such as 2025-11-28T08:00:00.123Z";
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format("field 'ts' '%s' %s", quote(text), problem));
        }
    }

    private static boolean isLocalDateTime(String text) {
        try {
            LocalDateTime.parse(text);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static String formatMillis(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Overflow only when both have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
