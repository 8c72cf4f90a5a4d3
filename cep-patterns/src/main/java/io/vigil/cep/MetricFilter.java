package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import io.vigil.model.SensorReading;
import org.apache.flink.api.common.functions.FilterFunction;

/** Keeps the readings of the metrics a pattern names. */
final class MetricFilter implements FilterFunction<SensorReading> {

    private static final long serialVersionUID = 1L;

    private final PatternSpec spec;

    MetricFilter(PatternSpec spec) {
        this.spec = spec;
    }

    @Override
    public boolean filter(SensorReading reading) {
        return spec.appliesTo(reading.metric());
    }
}
