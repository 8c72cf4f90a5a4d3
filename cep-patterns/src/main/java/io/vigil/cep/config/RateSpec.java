package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A {@code rate} pattern: the slope of a key's readings over the last {@code over}, in the metric's
 * unit per {@code per}, beyond {@code maxRate} in the given {@code direction}, measured over at
 * least {@code minEvents} readings.
 */
public record RateSpec(
        String name,
        String severity,
        List<String> metrics,
        double maxRate,
        Duration per,
        Duration over,
        Direction direction,
        int minEvents,
        AlertSettings alerting)
        implements PatternSpec {

    public static final String TYPE = "rate";

    /** Which slopes exceed {@code max-rate}. */
    public enum Direction {
        /** Slopes above {@code +max-rate}. */
        RISING,
        /** Slopes below {@code -max-rate}. */
        FALLING,
        /** Slopes above {@code +max-rate} or below {@code -max-rate}. */
        EITHER;

        /** The name in pattern files, e.g. {@code rising}. */
        public String fieldValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
