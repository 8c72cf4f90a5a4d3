package io.vigil.cep;

import io.vigil.model.SensorReading;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Scores each reading of a key for {@link BurstPattern}, in event-time order: the threshold in
 * force (absolute, or the running baseline plus N) and whether the reading starts a run of loud
 * readings.
 *
 * <p>The baseline is an exponentially weighted mean of the readings that were not above the
 * threshold, initialised by the key's first reading: {@code baseline += weight * (value -
 * baseline)}. Loud readings do not move it, so a burst cannot raise its own threshold.
 */
final class BurstScorer extends EventTimeOrderedFunction<ScoredReading> {

    private static final long serialVersionUID = 1L;

    private final Double threshold;
    private final Double aboveBaseline;
    private final double baselineWeight;
    private final long withinMillis;

    private transient ValueState<Boolean> previousAbove;
    private transient ValueState<Double> baseline;

    /**
     * @param threshold the absolute threshold, or {@code null} for a baseline-relative one
     * @param aboveBaseline N in "baseline plus N", or {@code null} for an absolute threshold
     */
    BurstScorer(
            Double threshold,
            Double aboveBaseline,
            double baselineWeight,
            long withinMillis,
            long retentionMillis) {
        super(retentionMillis);
        this.threshold = threshold;
        this.aboveBaseline = aboveBaseline;
        this.baselineWeight = baselineWeight;
        this.withinMillis = withinMillis;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        previousAbove = valueState("previous-above", Types.BOOLEAN);
        baseline = valueState("baseline", Types.DOUBLE);
    }

    @Override
    protected void processInOrder(SensorReading reading, Collector<ScoredReading> out)
            throws Exception {
        double value = reading.value();
        double inForce;
        if (aboveBaseline == null) {
            inForce = threshold;
        } else {
            Double current = baseline.value();
            double base = current == null ? value : current;
            inForce = base + aboveBaseline;
            if (value <= inForce) {
                baseline.update(current == null ? value : base + baselineWeight * (value - base));
            }
        }
        boolean above = value > inForce;
        Long previous = previousTimestamp();
        boolean startsRun =
                above
                        && (previous == null
                                || !Boolean.TRUE.equals(previousAbove.value())
                                || reading.timestamp() - previous > withinMillis);
        previousAbove.update(above);
        out.collect(new ScoredReading(reading, inForce, startsRun));
    }

    @Override
    protected void expire(OnTimerContext ctx, Collector<ScoredReading> out) {
        previousAbove.clear();
        baseline.clear();
    }
}
