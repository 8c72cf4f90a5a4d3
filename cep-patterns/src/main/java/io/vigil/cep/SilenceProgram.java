package io.vigil.cep;

import io.vigil.cep.config.SilenceSpec;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.time.Instant;
import org.apache.flink.api.common.state.ValueState;

/**
 * {@link SilencePattern} in the engine: raises the alert for a key when event time passes its
 * latest reading (in event-time order) by {@code after}, or, when event time has stalled (the
 * watermark has not moved for the grace), when wall-clock time passes the key's latest arrival by
 * {@code after} plus the grace; then forgets the key.
 *
 * <p>Readings are taken in event-time order as the watermark passes them, so a reading that arrives
 * early (ahead of the watermark) cannot hide a silence before it. The event-time timer moves
 * lazily: at most one per key, re-registered at the current deadline when newer readings moved it,
 * which costs less than deleting and re-creating a timer for every reading.
 *
 * <p>The wall-clock timers exist only while event time stalls: the engine tells the program when
 * the watermark has not moved for the grace ({@link #onEventTimeStalled}), and only then does each
 * key with arrivals get a processing-time timer at its wall-clock deadline (a key that arrives
 * during the stall gets one as it arrives). While event time moves, a key costs no processing-time
 * timer at all, which is what lets a subtask hold hundreds of thousands of keys.
 */
final class SilenceProgram extends SpecProgram<SilenceSpec> {

    private static final long serialVersionUID = 1L;

    private final long afterMillis;
    private final long graceMillis;
    private final AlertLifecycle lifecycle;

    private transient ValueState<SilenceState> state;

    SilenceProgram(SilencePattern pattern, long graceMillis) {
        super(pattern);
        this.afterMillis = spec.after().toMillis();
        this.graceMillis = graceMillis;
        this.lifecycle = new AlertLifecycle(spec, afterMillis);
    }

    @Override
    public String fingerprint() {
        return spec + ", grace=" + graceMillis;
    }

    @Override
    public void open(ProgramContext context) {
        state = context.valueState("silence", SilenceState.class);
        lifecycle.open(context);
    }

    @Override
    public void onArrival(SensorReading reading, ProgramContext context) throws Exception {
        SilenceState current = state.value();
        SilenceState next = current == null ? new SilenceState() : current;
        if (next.latestArrived == null || reading.timestamp() >= next.latestArrived.timestamp()) {
            next.latestArrived = reading;
        }
        long now = context.currentProcessingTime();
        next.wallClockDeadline = now + afterMillis + graceMillis;
        if (next.wallClockTimer == SilenceState.NONE
                && now - context.eventTimeMovedAt() >= graceMillis) {
            // Event time has stalled already: the engine's look for stalls has passed this key.
            armWallClock(next, context);
        }
        state.update(next);
    }

    @Override
    public long stallMillis() {
        return graceMillis;
    }

    @Override
    public void onEventTimeStalled(ProgramContext context) throws Exception {
        SilenceState current = state.value();
        if (current != null
                && current.latestArrived != null
                && current.wallClockTimer == SilenceState.NONE) {
            armWallClock(current, context);
            state.update(current);
        }
    }

    private static void armWallClock(SilenceState current, ProgramContext context) {
        current.wallClockTimer = current.wallClockDeadline;
        context.registerProcessingTimeTimer(current.wallClockTimer);
    }

    /**
     * An expected key that the program does not know yet (it has sent nothing, or went silent and
     * alerted) is watched from {@code since}: its alert comes when event time passes {@code since +
     * after} first. The key stays marked as expected, so that it is not watched afresh after an
     * alert or a restore.
     */
    @Override
    public void onExpected(SensorReading since, ProgramContext context) throws Exception {
        SilenceState current = state.value();
        if (current != null && current.expected != null) {
            return;
        }
        SilenceState next = current == null ? new SilenceState() : current;
        next.expected = since;
        if (next.cleanupAt == SilenceState.NONE && next.latestArrived == null) {
            next.cleanupAt = since.timestamp() + afterMillis;
            context.registerEventTimeTimer(next.cleanupAt);
        }
        state.update(next);
    }

    @Override
    public void onNoLongerExpected(ProgramContext context) throws Exception {
        SilenceState current = state.value();
        if (current == null || current.expected == null) {
            return;
        }
        current.expected = null;
        if (current.latestInOrder == null && current.cleanupAt != SilenceState.NONE) {
            context.deleteEventTimeTimer(current.cleanupAt);
            current.cleanupAt = SilenceState.NONE;
        }
        store(current);
    }

    @Override
    public void onReading(SensorReading reading, ProgramContext context) throws Exception {
        SilenceState current = state.value();
        SilenceState next = current == null ? new SilenceState() : current;
        if (reading.timestamp() <= next.handledUpTo) {
            // Arrived before a wall-clock alert that covered it: that period is closed.
            return;
        }
        next.latestInOrder = reading;
        if (next.cleanupAt == SilenceState.NONE) {
            next.cleanupAt = reading.timestamp() + afterMillis;
            context.registerEventTimeTimer(next.cleanupAt);
        }
        state.update(next);
        // The key sends again: a silent period it was in has ended.
        lifecycle.observed(reading, true, context);
    }

    @Override
    public void onEventTime(long timestamp, ProgramContext context) throws Exception {
        lifecycle.onEventTime(timestamp, context);
        SilenceState current = state.value();
        if (current == null) {
            return;
        }
        if (timestamp == current.handledUpTo) {
            current.handledUpTo = SilenceState.NONE;
            store(current);
        }
        if (current.cleanupAt != timestamp) {
            return;
        }
        if (current.latestInOrder == null) {
            neverSent(current, timestamp, context);
            return;
        }
        long quietUntil = current.latestInOrder.timestamp() + afterMillis;
        if (quietUntil > timestamp) {
            current.cleanupAt = quietUntil;
            context.registerEventTimeTimer(quietUntil);
            state.update(current);
            return;
        }
        // The final watermark of a bounded input (a replay, a test) jumps event time to the end
        // of time: with no later reading waiting, that is the end of the data, not a silence.
        // A newer reading of the key has arrived exactly when it waits for the watermark still:
        // every reading up to this timer's time has been handed over before it fires. (Asking the
        // engine's buffer instead costs a RocksDB seek per key.)
        boolean pending =
                current.latestArrived != null && current.latestArrived.timestamp() > timestamp;
        if (context.currentWatermark() != Long.MAX_VALUE || pending) {
            lifecycle.detected(alert(current.latestInOrder), timestamp, context);
        }
        current.latestInOrder = null;
        current.cleanupAt = SilenceState.NONE;
        if (!pending) {
            // Nothing newer has arrived: the key is gone, so its fallback goes too.
            if (current.wallClockTimer != SilenceState.NONE) {
                context.deleteProcessingTimeTimer(current.wallClockTimer);
            }
            current.clearArrivals();
        }
        store(current);
    }

    @Override
    public void onProcessingTime(long timestamp, ProgramContext context) throws Exception {
        SilenceState current = state.value();
        if (current == null || current.latestArrived == null) {
            return;
        }
        if (timestamp - context.eventTimeMovedAt() < graceMillis) {
            // Event time moves again (a backlog being replayed behind the wall clock, say): the
            // event-time path judges this key; the next stall arms the fallback afresh.
            current.wallClockTimer = SilenceState.NONE;
            state.update(current);
            return;
        }
        if (timestamp < current.wallClockDeadline) {
            // Readings that arrived during the stall moved the deadline.
            armWallClock(current, context);
            state.update(current);
            return;
        }
        // Event time has not caught up within the grace: alert now, and close the period, so
        // that the event-time path has nothing left to alert on for it. The readings that had
        // arrived still wait in the engine's buffer (windows and other patterns need them); they
        // are passed over when they come out.
        lifecycle.detected(alert(current.latestArrived), timestamp, context);
        if (current.cleanupAt != SilenceState.NONE) {
            context.deleteEventTimeTimer(current.cleanupAt);
        }
        current.handledUpTo = current.latestArrived.timestamp();
        if (current.handledUpTo > context.currentWatermark()) {
            context.registerEventTimeTimer(current.handledUpTo);
        } else {
            current.handledUpTo = SilenceState.NONE;
        }
        current.latestInOrder = null;
        current.cleanupAt = SilenceState.NONE;
        current.clearArrivals();
        store(current);
    }

    /** The deadline of an expected key that has sent nothing since it became expected. */
    private void neverSent(SilenceState current, long timestamp, ProgramContext context)
            throws Exception {
        current.cleanupAt = SilenceState.NONE;
        // At the end of a bounded input, a deadline that the input's readings went beyond is a
        // silence; one beyond the input's end is not.
        if (current.expected != null
                && (context.currentWatermark() != Long.MAX_VALUE
                        || context.latestEventTime() >= timestamp)) {
            SensorReading key = current.expected;
            lifecycle.detected(
                    PatternAlerts.alert(
                            spec,
                            key,
                            key.timestamp(),
                            timestamp,
                            0,
                            0,
                            String.format(
                                    "expected, but no reading in the %s since %s",
                                    AlertText.seconds(afterMillis),
                                    Instant.ofEpochMilli(key.timestamp()))),
                    timestamp,
                    context);
        }
        store(current);
    }

    private void store(SilenceState current) throws Exception {
        if (current.isEmpty()) {
            state.clear();
        } else {
            state.update(current);
        }
    }

    private Alert alert(SensorReading last) {
        String message =
                String.format(
                        "no reading for more than %s, last value %s%s",
                        AlertText.seconds(afterMillis),
                        AlertText.number(last.value()),
                        AlertText.unit(last.unit()));
        return PatternAlerts.alert(
                spec,
                last,
                last.timestamp(),
                last.timestamp() + afterMillis,
                0,
                last.value(),
                message);
    }

    /** The silence state of one key. A POJO: Flink serializes it without Kryo. */
    public static final class SilenceState {
        static final long NONE = Long.MIN_VALUE;

        /** The latest reading in event-time order, once the watermark has passed it. */
        public SensorReading latestInOrder;

        /** The arrived reading with the latest event time, for the wall-clock fallback. */
        public SensorReading latestArrived;

        public long wallClockDeadline;
        public long wallClockTimer = NONE;
        public long cleanupAt = NONE;

        /** Readings up to this event time belong to a period a wall-clock alert closed. */
        public long handledUpTo = NONE;

        /** When the key is expected: the key, with the event time it became expected (no value). */
        public SensorReading expected;

        public SilenceState() {}

        void clearArrivals() {
            latestArrived = null;
            wallClockDeadline = 0;
            wallClockTimer = NONE;
        }

        boolean isEmpty() {
            return latestInOrder == null
                    && latestArrived == null
                    && cleanupAt == NONE
                    && wallClockTimer == NONE
                    && handledUpTo == NONE
                    && expected == null;
        }
    }
}
