package io.vigil.cep;

import io.vigil.cep.config.FlatlineSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;

/**
 * {@link FlatlinePattern} in the engine: follows each key's current stretch (its band, first time
 * and count) over the readings in event-time order; each reading costs O(1).
 */
final class FlatlineProgram extends KeyStateProgram<FlatlineSpec, FlatlineProgram.FlatlineState> {

    private static final long serialVersionUID = 1L;

    private final int minEvents;
    private final long forMillis;
    private final long maxGapMillis;

    FlatlineProgram(FlatlinePattern pattern) {
        this(
                pattern,
                pattern.spec.minEvents() == null ? 1 : pattern.spec.minEvents(),
                pattern.spec.minDuration() == null ? 0 : pattern.spec.minDuration().toMillis(),
                pattern.spec.maxGap().toMillis());
    }

    private FlatlineProgram(
            FlatlinePattern pattern, int minEvents, long forMillis, long maxGapMillis) {
        // A stretch qualifies at the latest after min-events - 1 gaps and `for` plus one gap.
        super(
                pattern,
                "flatline",
                FlatlineState::new,
                maxGapMillis,
                (Math.max(minEvents, 2) - 1) * maxGapMillis + forMillis);
        this.minEvents = minEvents;
        this.forMillis = forMillis;
        this.maxGapMillis = maxGapMillis;
    }

    @Override
    Alert detect(SensorReading reading, FlatlineState stretch, boolean first) {
        long timestamp = reading.timestamp();
        double value = reading.value();
        double min = Math.min(stretch.min, value);
        double max = Math.max(stretch.max, value);
        if (!first
                && timestamp - stretch.lastTimestamp <= maxGapMillis
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
        if (!stuck) {
            return null;
        }
        Alert detection =
                stretch.covered
                        ? alert(reading, stretch, timestamp, 1, value)
                        : alert(reading, stretch, stretch.startedAt, stretch.count, max);
        stretch.covered = true;
        return detection;
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
