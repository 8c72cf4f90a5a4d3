package io.vigil.cep.config;

import java.time.Duration;
import java.util.Optional;

/** Reads a {@code flatline} pattern into a {@link FlatlineSpec}. */
final class FlatlineReader extends PatternReader {

    static final String EPSILON = "epsilon";
    static final String FOR = "for";
    static final String MAX_GAP = "max-gap";

    /** The longest gap between two readings of one stretch when {@code max-gap} is not given. */
    static final Duration DEFAULT_MAX_GAP = Duration.ofHours(1);

    FlatlineReader() {
        super(FlatlineSpec.TYPE, EPSILON, MIN_EVENTS, FOR, MAX_GAP);
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        Optional<Double> epsilon = fields.number(EPSILON, false);
        epsilon.ifPresent(v -> fields.check(EPSILON, v >= 0, "must be 0 or more"));
        // A stretch of one reading is no flatline.
        Optional<Integer> minEvents = fields.optionalInteger(MIN_EVENTS, 2);
        Optional<Duration> minDuration = fields.optionalDuration(FOR);
        Duration maxGap = fields.optionalDuration(MAX_GAP).orElse(DEFAULT_MAX_GAP);
        if (!fields.has(MIN_EVENTS)
                && !fields.has(FOR)
                && !fields.misspelt(MIN_EVENTS)
                && !fields.misspelt(FOR)) {
            fields.error(
                    MIN_EVENTS,
                    "missing; a 'flatline' pattern needs 'min-events' (how many readings), 'for'"
                            + " (how long), or both",
                    fields.line());
        }
        if (minEvents.isEmpty() && minDuration.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new FlatlineSpec(
                        common.name(),
                        common.severity(),
                        common.metrics(),
                        epsilon.orElse(0.0),
                        minEvents.orElse(null),
                        minDuration.orElse(null),
                        maxGap,
                        common.alerting()));
    }
}
