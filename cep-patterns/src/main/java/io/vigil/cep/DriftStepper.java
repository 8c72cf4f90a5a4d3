package io.vigil.cep;

import io.vigil.model.SensorReading;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Marks each reading of a key for {@link DriftPattern}, in event-time order: whether it keeps up
 * with its predecessor (not lower than the previous value minus the tolerance), and whether it may
 * complete a run (some possible run start is at least {@code min-rise} lower).
 *
 * <p>The possible run starts are the readings of the current unbroken stretch (since the last
 * reading that did not keep up, inclusive) at most {@code within} earlier; their minimum comes from
 * a monotonic queue (values increasing from the oldest), so each reading costs amortised O(1).
 */
final class DriftStepper extends EventTimeOrderedFunction<RiseStep> {

    private static final long serialVersionUID = 1L;

    private final double tolerance;
    private final double minRise;
    private final long withinMillis;

    private transient ValueState<Double> previousValue;
    private transient ListState<TimedValue> startMinima;

    DriftStepper(double tolerance, double minRise, long withinMillis) {
        super(withinMillis);
        this.tolerance = tolerance;
        this.minRise = minRise;
        this.withinMillis = withinMillis;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        previousValue = valueState("previous-value", Types.DOUBLE);
        startMinima =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "start-minima", TypeInformation.of(TimedValue.class)));
    }

    @Override
    protected void processInOrder(SensorReading reading, Collector<RiseStep> out) throws Exception {
        long timestamp = reading.timestamp();
        double value = reading.value();
        Double previous = previousValue.value();
        boolean keepsUp = previous != null && value >= previous - tolerance;

        Deque<TimedValue> minima = new ArrayDeque<>();
        if (keepsUp) {
            startMinima.get().forEach(minima::add);
        }
        while (!minima.isEmpty() && timestamp - minima.peekFirst().timestamp() > withinMillis) {
            minima.pollFirst();
        }
        boolean mayComplete =
                keepsUp && !minima.isEmpty() && value - minima.peekFirst().value() >= minRise;
        while (!minima.isEmpty() && minima.peekLast().value() >= value) {
            minima.pollLast();
        }
        minima.addLast(new TimedValue(timestamp, value));

        previousValue.update(value);
        startMinima.update(new ArrayList<>(minima));
        out.collect(new RiseStep(reading, keepsUp, mayComplete));
    }

    @Override
    protected void expire(OnTimerContext ctx, Collector<RiseStep> out) {
        previousValue.clear();
        startMinima.clear();
    }
}
