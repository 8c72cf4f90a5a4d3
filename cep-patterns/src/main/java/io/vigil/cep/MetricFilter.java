package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import io.vigil.model.SensorReading;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/** Keeps the readings of the metrics a pattern names. */
final class MetricFilter implements FilterFunction<SensorReading> {

    private static final long serialVersionUID = 1L;

    private final PatternSpec spec;

    MetricFilter(PatternSpec spec) {
        this.spec = spec;
    }

    /**
     * The readings a pattern watches, keyed by {@link SensorReading#key()}: the start of every
     * pattern, with the filter's uid {@code pattern-<name>-filter}.
     */
    static KeyedStream<SensorReading, String> watchedReadings(
            DataStream<SensorReading> readings, PatternSpec spec) {
        String uid = "pattern-" + spec.name() + "-filter";
        return readings.filter(new MetricFilter(spec))
                .uid(uid)
                .name(uid)
                .keyBy(SensorReading::key, Types.STRING);
    }

    @Override
    public boolean filter(SensorReading reading) {
        return spec.appliesTo(reading.metric());
    }
}
