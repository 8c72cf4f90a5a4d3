package io.vigil.cep;

import io.vigil.model.SensorReading;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Marks each reading of a key for {@link DriftPattern}, in event-time order, with whether it keeps
 * up with its predecessor (not lower than the previous value minus the tolerance).
 */
final class DriftStepper extends EventTimeOrderedFunction<RiseStep> {

    private static final long serialVersionUID = 1L;

    private final double tolerance;

    private transient ValueState<Double> previousValue;

    DriftStepper(double tolerance, long retentionMillis) {
        super(retentionMillis);
        this.tolerance = tolerance;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        previousValue =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("previous-value", Types.DOUBLE));
    }

    @Override
    protected void processInOrder(SensorReading reading, Collector<RiseStep> out) throws Exception {
        Double previous = previousValue.value();
        boolean keepsUp = previous != null && reading.value() >= previous - tolerance;
        previousValue.update(reading.value());
        out.collect(new RiseStep(reading, keepsUp));
    }

    @Override
    protected void expire(OnTimerContext ctx, Collector<RiseStep> out) {
        previousValue.clear();
    }
}
