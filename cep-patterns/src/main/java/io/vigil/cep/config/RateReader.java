package io.vigil.cep.config;

import io.vigil.cep.config.RateSpec.Direction;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads a {@code rate} pattern into a {@link RateSpec}. */
final class RateReader extends PatternReader {

    static final String MAX_RATE = "max-rate";
    static final String PER = "per";
    static final String OVER = "over";
    static final String DIRECTION = "direction";

    /** The unit of time of a rate that does not set {@code per}. */
    static final Duration DEFAULT_PER = Duration.ofMinutes(1);

    /** The fewest readings a slope is measured over when {@code min-events} is not given. */
    static final int DEFAULT_MIN_EVENTS = 2;

    RateReader() {
        super(RateSpec.TYPE, MAX_RATE, PER, OVER, DIRECTION, MIN_EVENTS);
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        Optional<Double> maxRate = fields.number(MAX_RATE, true);
        maxRate.ifPresent(v -> fields.check(MAX_RATE, v > 0, "must be above 0"));
        Duration per = fields.optionalDuration(PER).orElse(DEFAULT_PER);
        Optional<Duration> over = fields.duration(OVER);
        Optional<Direction> direction =
                fields.string(DIRECTION, false).flatMap(v -> direction(v, fields));
        // A slope needs a first and a last reading, so two at the least.
        Optional<Integer> minEvents = fields.optionalInteger(MIN_EVENTS, 2);
        if (maxRate.isEmpty() || over.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new RateSpec(
                        common.name(),
                        common.severity(),
                        common.metrics(),
                        maxRate.get(),
                        per,
                        over.get(),
                        direction.orElse(Direction.RISING),
                        minEvents.orElse(DEFAULT_MIN_EVENTS),
                        common.alerting()));
    }

    private static Optional<Direction> direction(String value, FieldReader fields) {
        Optional<Direction> known =
                Arrays.stream(Direction.values())
                        .filter(d -> d.fieldValue().equals(value))
                        .findFirst();
        fields.check(
                DIRECTION,
                known.isPresent(),
                Arrays.stream(Direction.values())
                        .map(Direction::fieldValue)
                        .collect(Collectors.joining(", ", "must be one of ", "")));
        return known;
    }
}
