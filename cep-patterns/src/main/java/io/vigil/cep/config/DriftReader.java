package io.vigil.cep.config;

import java.time.Duration;
import java.util.Optional;

/** Reads a {@code drift} pattern into a {@link DriftSpec}. */
final class DriftReader extends PatternReader {

    static final String TOLERANCE = "tolerance";
    static final String MIN_RISE = "min-rise";

    DriftReader() {
        super(DriftSpec.TYPE, MIN_EVENTS, WITHIN, TOLERANCE, MIN_RISE);
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        // A rise needs a first and a last reading, so two at the least.
        Optional<Integer> minEvents = fields.integer(MIN_EVENTS, 2);
        Optional<Duration> within = fields.duration(WITHIN);
        Optional<Double> tolerance = fields.number(TOLERANCE, false);
        tolerance.ifPresent(v -> fields.check(TOLERANCE, v >= 0, "must be 0 or more"));
        Optional<Double> minRise = fields.number(MIN_RISE, true);
        minRise.ifPresent(v -> fields.check(MIN_RISE, v > 0, "must be above 0"));
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
                        common.alerting()));
    }
}
