package io.vigil.cep;

import io.vigil.cep.config.FlatlineSpec;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import org.apache.flink.api.common.state.ValueState;

/**
 * {@link FlatlinePattern} in the engine: follows each key's current stretch (its band, first time
 * and count) over the readings in event-time order; each reading costs O(1).
 */
final class FlatlineProgram extends SpecProgram<FlatlineSpec> {

    private static final long serialVersionUID = 1L;

    private final int minEvents;
    private final long forMillis;
    private final long maxGapMillis;
    private final AlertLifecycle lifecycle;

    private transient ValueState<FlatlineState> state;

    FlatlineProgram(FlatlinePattern pattern) {
        super(pattern);
        this.minEvents = spec.minEvents() == null ? 1 : spec.minEvents();
        this.forMillis = spec.minDuration() == null ? 0 : spec.minDuration().toMillis();
        this.maxGapMillis = spec.maxGap().toMillis();
        // A stretch qualifies at the latest after min-events - 1 gaps and `for` plus one gap.
        this.lifecycle =
                new AlertLifecycle(spec, (Math.max(minEvents, 2) - 1) * maxGapMillis + forMillis);
    }

    @Override
    public void open(ProgramContext context) {
        state = context.valueState("flatline", FlatlineState.class);
        lifecycle.open(context);
    }

    @Override
    public void onReading(SensorReading reading, ProgramContext context) throws Exception {
        long timestamp = reading.timestamp();
        double value = reading.value();
        FlatlineState current = state.value();
        FlatlineState stretch = current == null ? new FlatlineState() : current;
        double min = Math.min(stretch.min, value);
        double max = Math.max(stretch.max, value);
        if (current != null
                && timestamp - current.lastTimestamp <= maxGapMillis
                && max - min <= spec.epsilon()) {
            stretch.min = min;
            stretch.max = max;
            stretch.count++;
        } else {
            stretch.min = value;
            stretch.max = value;
            stretch.count = 1;
            stretch.startedAt = timestamp;
            stretch.covered = false;
        }
        boolean stuck = stretch.count >= minEvents && timestamp - stretch.startedAt >= forMillis;
        Alert detection = null;
        if (stuck) {
            detection =
                    stretch.covered
                            ? alert(reading, stretch, timestamp, 1, value)
                            : alert(reading, stretch, stretch.startedAt, stretch.count, max);
            stretch.covered = true;
        }
        stretch.touch(timestamp, maxGapMillis, context);
        state.update(stretch);
        if (detection != null) {
            lifecycle.detected(detection, timestamp, context);
        }
        lifecycle.observed(reading, !stuck, context);
    }

    private Alert alert(
            SensorReading reading, FlatlineState stretch, long from, int events, double peak) {
        String message =
                String.format(
                        "%d readings from %s to %s%s over %s",
                        stretch.count,
                        AlertText.significant(stretch.min, 6),
                        AlertText.significant(stretch.max, 6),
                        AlertText.unit(reading.unit()),
                        AlertText.seconds(reading.timestamp() - stretch.startedAt));
        return PatternAlerts.alert(spec, reading, from, reading.timestamp(), events, peak, message);
    }

    @Override
    public void onEventTime(long timestamp, ProgramContext context) throws Exception {
        lifecycle.onEventTime(timestamp, context);
        RetainedKeyState.onTimer(timestamp, state, maxGapMillis, null, context);
    }

    /**
     * The current stretch of one key: its band, first reading time and count, and whether a
     * detection covered its readings. A POJO: Flink serializes it without Kryo.
     */
    public static final class FlatlineState extends RetainedKeyState {
        public double min;
        public double max;
        public long startedAt;
        public int count;
        public boolean covered;

        public FlatlineState() {}
    }
}
