package io.vigil.parsing;

import io.vigil.model.DeadLetter;
import io.vigil.model.SensorReading;
import java.util.List;

/**
 * What one message parsed into: its readings, its dead letters, and how many of the readings are
 * stamped with the message's arrival time because the payload gave no absolute time.
 */
public record ParseResult(
        List<SensorReading> readings, List<DeadLetter> deadLetters, int stampedOnArrival) {

    public ParseResult {
        readings = List.copyOf(readings);
        deadLetters = List.copyOf(deadLetters);
        if (stampedOnArrival < 0 || stampedOnArrival > readings.size()) {
            throw new IllegalArgumentException(
                    String.format(
                            "stampedOnArrival must be between 0 and %d (the readings), was %d",
                            readings.size(), stampedOnArrival));
        }
    }

    /** A result holding a single dead letter. */
    public static ParseResult of(DeadLetter deadLetter) {
        return new ParseResult(List.of(), List.of(deadLetter), 0);
    }
}
