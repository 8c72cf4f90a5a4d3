package io.vigil.cep;

import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * {@link DriftPattern} in the engine: the documented procedure run directly over a key's readings
 * in event-time order, with one value of state per key.
 *
 * <p>The state holds the readings of the current unbroken stretch from the earliest one that can
 * still begin the reported run (the <em>front</em>) to the latest, and for each of them the first
 * later reading at which a run from it qualifies, once one has. A reading that does not keep up
 * ends the stretch. The front's run is reported as soon as it qualifies; a later start that
 * qualified first is held back until every earlier start has expired (more than {@code within}
 * before the current event time) or ended with its stretch, and then reported, from its start to
 * its first qualifying reading. After a report the readings up to the run's end are dropped: the
 * next run starts after it. An event-time timer at the front's expiry releases a held-back run when
 * no reading comes.
 *
 * <p>Per reading this checks each start of the stretch not yet qualified: a flat signal costs one
 * comparison per reading of the last {@code within}. Flink CEP's NFA (which this program ran
 * before) keeps one partial match per such start, and its shared buffer and version bookkeeping
 * made a flat or noisy temperature the dominant cost of the whole job (see {@link DriftPattern}).
 */
final class DriftProgram extends SpecProgram<DriftSpec> {

    private static final long serialVersionUID = 1L;

    private final DriftPattern pattern;
    private final double tolerance;
    private final double minRise;
    private final int minEvents;
    private final long withinMillis;
    private final AlertLifecycle lifecycle;

    private transient ValueState<DriftState> state;

    DriftProgram(DriftPattern pattern) {
        super(pattern);
        this.pattern = pattern;
        this.tolerance = pattern.spec.tolerance();
        this.minRise = pattern.spec.minRise();
        this.minEvents = pattern.spec.minEvents();
        this.withinMillis = pattern.spec.within().toMillis();
        this.lifecycle = new AlertLifecycle(pattern.spec, withinMillis + 1, pattern.spec.falling());
    }

    @Override
    public void open(ProgramContext context) throws Exception {
        state = context.valueState("drift", DriftState.class);
        lifecycle.open(context);
    }

    @Override
    public void onReading(SensorReading reading, ProgramContext context) throws Exception {
        long timestamp = reading.timestamp();
        // A falling drift is a rising one of the negated values.
        double value = pattern.spec.directed(reading.value());
        DriftState current = state.value();
        DriftState next = current == null ? new DriftState() : current;
        boolean keepsUp = current != null && value >= current.previousValue - tolerance;

        release(next, timestamp, !keepsUp, reading, context);
        next.append(timestamp, reading.value(), reading.unit());
        int end = next.times.length - 1;
        if (keepsUp) {
            for (int start = 0; start < end; start++) {
                if (next.qualifiedAt[start] < 0
                        && end - start + 1 >= minEvents
                        && value - pattern.spec.directed(next.values[start]) >= minRise) {
                    next.qualifiedAt[start] = end;
                }
            }
        }
        release(next, timestamp, false, reading, context);
        next.previousValue = value;
        next.touch(timestamp, withinMillis, context);
        armExpiry(next, context);
        state.update(next);
        lifecycle.observed(reading, !keepsUp, context);
    }

    @Override
    public void onEventTime(long timestamp, ProgramContext context) throws Exception {
        DriftState current = state.value();
        if (current != null && current.expiryTimer == timestamp) {
            current.expiryTimer = RetainedKeyState.NONE;
            if (current.times.length > 0) {
                String[] key = context.currentKey().split("/", 3);
                release(
                        current,
                        timestamp,
                        false,
                        new SensorReading(key[0], key[1], key[2], timestamp, 0, null),
                        context);
                armExpiry(current, context);
            }
            state.update(current);
        }
        lifecycle.onEventTime(timestamp, context);
        RetainedKeyState.onTimer(timestamp, state, withinMillis, null, context);
    }

    /**
     * Reports the front's run while the front has qualified, and drops a front that can no longer
     * begin a run: one expired at {@code timestamp}, or any when {@code stretchEnds}.
     *
     * @param key a reading of the key, for the alert's site, device and metric
     */
    private void release(
            DriftState state,
            long timestamp,
            boolean stretchEnds,
            SensorReading key,
            ProgramContext context)
            throws Exception {
        while (state.times.length > 0) {
            // The fronts that can no longer begin a run go at once: one copy of the arrays.
            int dead = 0;
            while (dead < state.times.length
                    && state.qualifiedAt[dead] < 0
                    && (stretchEnds || timestamp - state.times[dead] > withinMillis)) {
                dead++;
            }
            if (dead > 0) {
                state.dropThrough(dead - 1);
            }
            if (state.times.length == 0 || state.qualifiedAt[0] < 0) {
                return;
            }
            int end = state.qualifiedAt[0];
            lifecycle.detected(pattern.alert(state.run(key, end)), timestamp, context);
            state.dropThrough(end);
        }
    }

    /**
     * An event-time timer at the front's expiry while a later start holds a run back; without one,
     * expiry changes nothing that is reported (the next reading, or the cleanup, drops the front).
     */
    private void armExpiry(DriftState state, ProgramContext context) {
        if (state.times.length == 0 || state.expiryTimer != RetainedKeyState.NONE) {
            return;
        }
        for (int start = 1; start < state.qualifiedAt.length; start++) {
            if (state.qualifiedAt[start] >= 0) {
                state.expiryTimer = state.times[0] + withinMillis + 1;
                context.registerEventTimeTimer(state.expiryTimer);
                return;
            }
        }
    }

    /**
     * The state of one key: the readings of its current stretch from the front on (time, value as
     * read, unit), for each the index of the first reading at which a run from it qualifies (or
     * -1), the latest directed value, and the expiry timer. Serialized by {@link
     * DriftStateSerializer}, column by column.
     */
    @TypeInfo(DriftStateSerializer.Factory.class)
    public static final class DriftState extends RetainedKeyState {
        public double previousValue;
        public long[] times = new long[0];
        public double[] values = new double[0];
        public String[] units = new String[0];
        public int[] qualifiedAt = new int[0];
        public long expiryTimer = NONE;

        public DriftState() {}

        @Override
        public boolean equals(Object other) {
            return other instanceof DriftState that
                    && lastTimestamp == that.lastTimestamp
                    && cleanupAt == that.cleanupAt
                    && Double.compare(previousValue, that.previousValue) == 0
                    && expiryTimer == that.expiryTimer
                    && Arrays.equals(times, that.times)
                    && Arrays.equals(values, that.values)
                    && Arrays.equals(units, that.units)
                    && Arrays.equals(qualifiedAt, that.qualifiedAt);
        }

        @Override
        public int hashCode() {
            return Objects.hash(lastTimestamp, Arrays.hashCode(times), Arrays.hashCode(values));
        }

        @Override
        public String toString() {
            return String.format(
                    "DriftState{times=%s, values=%s, units=%s, qualifiedAt=%s, previousValue=%s,"
                            + " expiryTimer=%d, lastTimestamp=%d, cleanupAt=%d}",
                    Arrays.toString(times),
                    Arrays.toString(values),
                    Arrays.toString(units),
                    Arrays.toString(qualifiedAt),
                    previousValue,
                    expiryTimer,
                    lastTimestamp,
                    cleanupAt);
        }

        void append(long timestamp, double value, String unit) {
            int n = times.length;
            times = Arrays.copyOf(times, n + 1);
            values = Arrays.copyOf(values, n + 1);
            units = Arrays.copyOf(units, n + 1);
            qualifiedAt = Arrays.copyOf(qualifiedAt, n + 1);
            times[n] = timestamp;
            values[n] = value;
            units[n] = unit;
            qualifiedAt[n] = -1;
        }

        /** Drops the readings up to index {@code last}, inclusive. */
        void dropThrough(int last) {
            int from = last + 1;
            int n = times.length;
            times = Arrays.copyOfRange(times, from, n);
            values = Arrays.copyOfRange(values, from, n);
            units = Arrays.copyOfRange(units, from, n);
            qualifiedAt = Arrays.copyOfRange(qualifiedAt, from, n);
            for (int i = 0; i < qualifiedAt.length; i++) {
                if (qualifiedAt[i] >= 0) {
                    qualifiedAt[i] -= from;
                }
            }
        }

        /** The readings from the front to index {@code end}, as the key's readings. */
        List<SensorReading> run(SensorReading key, int end) {
            List<SensorReading> run = new ArrayList<>(end + 1);
            for (int i = 0; i <= end; i++) {
                run.add(
                        new SensorReading(
                                key.site(),
                                key.device(),
                                key.metric(),
                                times[i],
                                values[i],
                                units[i]));
            }
            return run;
        }
    }
}
