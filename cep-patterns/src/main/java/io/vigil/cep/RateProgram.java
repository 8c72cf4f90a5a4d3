package io.vigil.cep;

import io.vigil.cep.config.Durations;
import io.vigil.cep.config.RateSpec;
import io.vigil.cep.config.RateSpec.Direction;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.util.Arrays;

/**
 * {@link RatePattern} in the engine: keeps each key's readings of the last {@code over} (times and
 * values, oldest first) and, for each reading in event-time order, compares the slope from the
 * oldest of them with {@code max-rate}.
 *
 * <p>The window lives in two arrays with a start offset: a reading is appended at the end, readings
 * that fell out of the window are passed over by moving the start, and the live part is copied to
 * the front of new arrays twice its size only when the arrays are full, so each reading costs
 * amortised O(1) and the arrays hold at most twice the readings of one {@code over} (plus the
 * readings appended since the last copy).
 */
final class RateProgram extends KeyStateProgram<RateSpec, RateProgram.RateState> {

    private static final long serialVersionUID = 1L;

    private final long overMillis;
    private final long perMillis;

    RateProgram(RatePattern pattern) {
        // A detection starts at most `over` before the reading that reports it.
        super(
                pattern,
                "rate",
                RateState::new,
                pattern.spec.over().toMillis(),
                pattern.spec.over().toMillis());
        this.overMillis = spec.over().toMillis();
        this.perMillis = spec.per().toMillis();
    }

    @Override
    Alert detect(SensorReading reading, RateState window, boolean first) {
        long timestamp = reading.timestamp();
        double value = reading.value();
        window.slide(timestamp, value, overMillis);
        long oldestTime = window.times[window.start];
        double oldestValue = window.values[window.start];
        boolean steep =
                window.size() >= spec.minEvents()
                        && timestamp > oldestTime
                        && exceeds(value - oldestValue, timestamp - oldestTime);
        if (!steep) {
            return null;
        }
        int firstUncovered = window.end - window.uncovered;
        Alert detection = alert(reading, window, firstUncovered, oldestValue, oldestTime);
        window.uncovered = 0;
        return detection;
    }

    /**
     * Whether a change of {@code change} over {@code millis} exceeds max-rate, compared exactly.
     */
    private boolean exceeds(double change, long millis) {
        double scaledChange = change * perMillis;
        double bound = spec.maxRate() * millis;
        boolean rising = scaledChange > bound;
        boolean falling = scaledChange < -bound;
        return switch (spec.direction()) {
            case RISING -> rising;
            case FALLING -> falling;
            case EITHER -> rising || falling;
        };
    }

    private Alert alert(
            SensorReading reading,
            RateState window,
            int first,
            double oldestValue,
            long oldestTime) {
        double peak = Double.NEGATIVE_INFINITY;
        for (int i = first; i < window.end; i++) {
            peak = Math.max(peak, window.values[i]);
        }
        double change = reading.value() - oldestValue;
        long millis = reading.timestamp() - oldestTime;
        double slope = change / millis * perMillis;
        String message =
                String.format(
                        "%s at %s%s per %s over %s (max-rate %s), from %s to %s",
                        change > 0 ? Direction.RISING.fieldValue() : Direction.FALLING.fieldValue(),
                        AlertText.significant(Math.abs(slope), 3),
                        AlertText.unit(reading.unit()),
                        Durations.format(spec.per()),
                        AlertText.seconds(millis),
                        AlertText.significant(spec.maxRate(), 6),
                        AlertText.number(oldestValue),
                        AlertText.number(reading.value()));
        return PatternAlerts.alert(
                spec,
                reading,
                window.times[first],
                reading.timestamp(),
                window.end - first,
                peak,
                message);
    }

    /**
     * The readings of one key's last {@code over}: {@code times[start..end)} and {@code
     * values[start..end)}, oldest first; the last {@code uncovered} of them are covered by no
     * detection yet. A POJO: Flink serializes it without Kryo.
     */
    public static final class RateState extends RetainedKeyState {
        public long[] times = new long[4];
        public double[] values = new double[4];
        public int start;
        public int end;
        public int uncovered;

        public RateState() {}

        int size() {
            return end - start;
        }

        /** Appends a reading and passes over those more than {@code overMillis} older than it. */
        void slide(long timestamp, double value, long overMillis) {
            while (start < end && timestamp - times[start] > overMillis) {
                start++;
            }
            if (end == times.length) {
                // Full: move the live part to the front of arrays twice its size (at least 4).
                int size = size();
                int capacity = Math.max(4, 2 * size);
                times = Arrays.copyOfRange(times, start, start + capacity);
                values = Arrays.copyOfRange(values, start, start + capacity);
                start = 0;
                end = size;
            }
            times[end] = timestamp;
            values[end] = value;
            end++;
            uncovered = Math.min(uncovered + 1, size());
        }
    }
}
