package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads a {@code drift} pattern into a {@link DriftSpec}. */
final class DriftReader extends PatternReader {

    static final String TOLERANCE = "tolerance";
    static final String MIN_RISE = "min-rise";
    static final String MIN_FALL = "min-fall";
    static final String DIRECTION = "direction";
    static final String RISING = "rising";
    static final String FALLING = "falling";

    private static final List<String> CHANGES = List.of(MIN_RISE, MIN_FALL);

    DriftReader() {
        super(DriftSpec.TYPE, DIRECTION, MIN_EVENTS, WITHIN, TOLERANCE, MIN_RISE, MIN_FALL);
    }

    /** The change in the drift's direction: one of {@code min-rise} and {@code min-fall}. */
    @Override
    List<String> replacedBy(String field) {
        return CHANGES.contains(field) ? CHANGES : List.of(field);
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        // A rise needs a first and a last reading, so two at the least.
        Optional<Integer> minEvents = fields.integer(MIN_EVENTS, 2);
        Optional<Duration> within = fields.duration(WITHIN);
        Optional<Double> tolerance = fields.number(TOLERANCE, false);
        tolerance.ifPresent(v -> fields.check(TOLERANCE, v >= 0, "must be 0 or more"));
        String direction = fields.string(DIRECTION, false).orElse(RISING);
        boolean falling = direction.equals(FALLING);
        if (!falling && !direction.equals(RISING)) {
            fields.error(
                    DIRECTION,
                    String.format("must be '%s' or '%s', found \"%s\"", RISING, FALLING, direction),
                    fields.line(DIRECTION));
        }
        String change = falling ? MIN_FALL : MIN_RISE;
        String other = falling ? MIN_RISE : MIN_FALL;
        if (fields.has(other)) {
            fields.error(
                    other,
                    String.format(
                            "a %s drift takes '%s', not '%s'",
                            falling ? FALLING : RISING, change, other),
                    fields.line(other));
        }
        Optional<Double> minRise = fields.number(change, !fields.has(other));
        minRise.ifPresent(v -> fields.check(change, v > 0, "must be above 0"));
        if (minEvents.isEmpty() || within.isEmpty() || minRise.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new DriftSpec(
                        common.name(),
                        common.severity(),
                        common.metrics(),
                        minEvents.get(),
                        within.get(),
                        tolerance.orElse(PatternConfigLoader.DEFAULT_TOLERANCE),
                        minRise.get(),
                        falling,
                        common.alerting()));
    }
}
