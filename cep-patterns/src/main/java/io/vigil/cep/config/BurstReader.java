package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads a {@code burst} pattern into a {@link BurstSpec}. */
final class BurstReader extends PatternReader {

    static final String THRESHOLD = "threshold";
    static final String ABOVE = "above";
    static final String BELOW = "below";
    static final String ABOVE_BASELINE = "above-baseline";
    static final String BELOW_BASELINE = "below-baseline";
    static final String CLEAR_LEVEL = "clear-level";

    /**
     * The ways to give the threshold, exactly one per pattern; {@code threshold} = {@code above}.
     */
    private static final List<String> LEVELS =
            List.of(THRESHOLD, ABOVE, BELOW, ABOVE_BASELINE, BELOW_BASELINE);

    BurstReader() {
        super(
                BurstSpec.TYPE,
                THRESHOLD,
                ABOVE,
                BELOW,
                ABOVE_BASELINE,
                BELOW_BASELINE,
                MIN_EVENTS,
                WITHIN,
                CLEAR_LEVEL);
    }

    /** An override's way of giving the threshold replaces the pattern's, whichever it is. */
    @Override
    List<String> replacedBy(String field) {
        return LEVELS.contains(field) ? LEVELS : List.of(field);
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        List<String> given = LEVELS.stream().filter(fields::has).toList();
        if (given.isEmpty() && LEVELS.stream().noneMatch(fields::misspelt)) {
            fields.error(
                    THRESHOLD,
                    "missing; a 'burst' pattern needs one of 'threshold' (or 'above') or 'below'"
                            + " (an absolute level), 'above-baseline' or 'below-baseline' (a"
                            + " margin from the key's running baseline)",
                    fields.line());
        } else if (given.size() > 1) {
            fields.error(
                    given.get(1),
                    String.format(
                            "give one of 'threshold' (or 'above'), 'below', 'above-baseline',"
                                    + " 'below-baseline', not both '%s' and '%s'",
                            given.get(0), given.get(1)),
                    fields.line(given.get(1)));
        }
        String level = given.isEmpty() ? THRESHOLD : given.get(0);
        Optional<Double> value = fields.number(level, false);
        boolean relative = level.equals(ABOVE_BASELINE) || level.equals(BELOW_BASELINE);
        boolean below = level.equals(BELOW) || level.equals(BELOW_BASELINE);
        if (relative) {
            value.ifPresent(v -> fields.check(level, v > 0, "must be above 0"));
        }
        Optional<Double> clearLevel = fields.number(CLEAR_LEVEL, false);
        if (clearLevel.isPresent() && relative) {
            fields.error(
                    CLEAR_LEVEL,
                    String.format(
                            "goes with an absolute 'threshold' ('above') or 'below' only; a '%s'"
                                    + " burst clears"
                                    + " at the first reading that is not beyond its threshold",
                            level),
                    fields.line(CLEAR_LEVEL));
        } else if (clearLevel.isPresent() && value.isPresent()) {
            fields.check(
                    CLEAR_LEVEL,
                    below ? clearLevel.get() >= value.get() : clearLevel.get() <= value.get(),
                    String.format(
                            "must be at or %s '%s' (the alert resolves when a reading comes back"
                                    + " to it)",
                            below ? "above" : "below", level));
        }
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
                        relative ? null : value.orElse(null),
                        relative ? value.orElse(null) : null,
                        minEvents.get(),
                        within.get(),
                        below,
                        clearLevel.orElse(null),
                        common.alerting()));
    }
}
