package io.vigil.cep.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the short durations of pattern files ({@code 500ms}, {@code 10s}, {@code 5m} or
 * {@code 5min}, {@code 1h}, {@code 1d}, or ISO-8601 such as {@code PT10S}).
 */
public final class Durations {

    /** What a duration looks like, for error messages. */
    public static final String EXAMPLES = "500ms, 10s, 5m, 1h, 1d or PT10S";

    private static final Pattern SHORT = Pattern.compile("(-?\\d+) ?(ms|s|m|min|h|d)");

    private Durations() {}

    /**
     * Parses a duration such as {@code 10s} or {@code PT10S}; zero and negative values are returned
     * as they are, so that the caller can say which setting must be positive.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        Matcher m = SHORT.matcher(trimmed);
        if (m.matches()) {
            try {
                long amount = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m", "min" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException(
                        String.format("'%s' is too large for a duration", text), e);
            }
        }
        String upper = trimmed.toUpperCase(Locale.ROOT);
        if (upper.startsWith("P") || upper.startsWith("-P")) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw notADuration(text, e);
            }
        }
        throw notADuration(text, null);
    }

    private static IllegalArgumentException notADuration(String text, Exception cause) {
        return new IllegalArgumentException(
                String.format("'%s' is not a duration such as %s", text, EXAMPLES), cause);
    }

    /**
     * Formats a duration in the largest unit that holds it exactly, e.g. {@code 10s}, {@code 2m},
     * {@code 1500ms}; durations with sub-millisecond parts in ISO-8601.
     */
    public static String format(Duration duration) {
        // Beyond what a long of milliseconds holds, or finer than a millisecond: no short form.
        if (duration.toNanosPart() % 1_000_000 != 0
                || Math.abs(duration.getSeconds()) >= Long.MAX_VALUE / 1000) {
            return duration.toString();
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis % 86_400_000L == 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1_000L == 0) {
            return millis / 1_000L + "s";
        }
        return millis + "ms";
    }
}
