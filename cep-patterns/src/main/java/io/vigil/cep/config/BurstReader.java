package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads a {@code burst} pattern into a {@link BurstSpec}. */
final class BurstReader extends PatternReader {

    static final String THRESHOLD = "threshold";
    static final String ABOVE_BASELINE = "above-baseline";

    BurstReader() {
        super(BurstSpec.TYPE, THRESHOLD, ABOVE_BASELINE, MIN_EVENTS, WITHIN);
    }

    /** An override's threshold replaces the pattern's above-baseline, and the other way round. */
    @Override
    List<String> replacedBy(String field) {
        return field.equals(THRESHOLD) || field.equals(ABOVE_BASELINE)
                ? List.of(THRESHOLD, ABOVE_BASELINE)
                : List.of(field);
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        Optional<Double> threshold = fields.number(THRESHOLD, false);
        Optional<Double> aboveBaseline = fields.number(ABOVE_BASELINE, false);
        if (!fields.has(THRESHOLD)
                && !fields.has(ABOVE_BASELINE)
                && !fields.misspelt(THRESHOLD)
                && !fields.misspelt(ABOVE_BASELINE)) {
            fields.error(
                    THRESHOLD,
                    "missing; a 'burst' pattern needs either 'threshold' (an absolute level)"
                            + " or 'above-baseline' (a margin over the key's running"
                            + " baseline)",
                    fields.line());
        } else if (fields.has(THRESHOLD) && fields.has(ABOVE_BASELINE)) {
            fields.error(
                    ABOVE_BASELINE,
                    "give either 'threshold' or 'above-baseline', not both",
                    fields.line(ABOVE_BASELINE));
        }
        aboveBaseline.ifPresent(v -> fields.check(ABOVE_BASELINE, v > 0, "must be above 0"));
        Optional<Integer> minEvents = fields.integer(MIN_EVENTS, 1);
        Optional<Duration> within = fields.duration(WITHIN);
        if (minEvents.isEmpty() || within.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new BurstSpec(
                        common.name(),
                        common.severity(),
                        common.metrics(),
                        threshold.orElse(null),
                        aboveBaseline.orElse(null),
                        minEvents.get(),
                        within.get()));
    }
}
