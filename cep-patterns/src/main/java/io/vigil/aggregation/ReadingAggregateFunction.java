package io.vigil.aggregation;

import io.vigil.model.SensorReading;
import java.util.Set;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Incremental window aggregate of readings: count, min, max, mean, sample stddev, last and, for
 * decibel readings, the energy average Leq.
 *
 * <p>A reading counts as decibels when its unit starts with {@code dB} or its metric is one of the
 * configured decibel metrics (bare-number payloads carry no unit).
 */
public class ReadingAggregateFunction
        implements AggregateFunction<SensorReading, ReadingAccumulator, ReadingAccumulator> {

    private static final long serialVersionUID = 1L;

    private final Set<String> decibelMetrics;

    public ReadingAggregateFunction(Set<String> decibelMetrics) {
        this.decibelMetrics = Set.copyOf(decibelMetrics);
    }

    @Override
    public ReadingAccumulator createAccumulator() {
        return new ReadingAccumulator();
    }

    @Override
    public ReadingAccumulator add(SensorReading reading, ReadingAccumulator acc) {
        acc.add(
                reading.timestamp(),
                reading.value(),
                reading.isDecibel() || decibelMetrics.contains(reading.metric()));
        return acc;
    }

    @Override
    public ReadingAccumulator getResult(ReadingAccumulator acc) {
        return acc;
    }

    @Override
    public ReadingAccumulator merge(ReadingAccumulator a, ReadingAccumulator b) {
        a.merge(b);
        return a;
    }
}
