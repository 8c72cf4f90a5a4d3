package io.vigil.cep.engine;

import io.vigil.model.SensorReading;
import java.io.Serializable;

/**
 * One pattern as {@link PatternEngineOperator} hosts it: the per-key logic of the pattern, driven
 * by the engine's one event-time ordering of each key's readings.
 *
 * <p>The engine calls, for the current key: {@link #onArrival} for every on-time reading the
 * program {@link #watches} as it arrives; {@link #onReading} for the same readings in event-time
 * order (ties in arrival order) once the watermark has passed them; {@link #onEventTime} and {@link
 * #onProcessingTime} for the timers the program registered through its {@link ProgramContext}. A
 * program keeps all its keyed state in {@link ProgramContext#state()}, which is its own: two
 * programs never see each other's state, whatever names they use.
 */
public interface PatternProgram extends Serializable {

    /** The pattern's unique name. */
    String name();

    /**
     * What the program's state depends on (its type and parameters): with the name, it scopes the
     * program's state and timers, so that a program whose parameters change starts afresh while an
     * unchanged one keeps its state.
     */
    String fingerprint();

    /**
     * Whether the program's state is per sensor or per device; the engine of that keying hosts it,
     * and a sensor engine forwards it the readings it {@link #watches} (see {@link
     * PatternEngineOperator#DEVICE_READINGS}).
     */
    default PatternKeying keying() {
        return PatternKeying.SENSOR;
    }

    /** True for the readings this program looks at (e.g. by metric). */
    boolean watches(SensorReading reading);

    /** Declares the program's state and prepares its matchers; called once per operator. */
    void open(ProgramContext context) throws Exception;

    /** A reading of the current key as it arrives, ahead of the watermark. */
    default void onArrival(SensorReading reading, ProgramContext context) throws Exception {}

    /**
     * The current key is expected to send readings (it is listed under {@code expected} in the
     * pattern files) from event time {@code since.timestamp()} on; {@code since} stands for the key
     * (site, device, metric) and carries no value. Called when the key or the program comes into
     * force, at the watermark then or, without one, at the first watermark or reading after it, and
     * again after a restore: a program that already knows the key ignores it.
     */
    default void onExpected(SensorReading since, ProgramContext context) throws Exception {}

    /** The current key is no longer expected (removed from {@code expected}). */
    default void onNoLongerExpected(ProgramContext context) throws Exception {}

    /** A reading of the current key in event-time order, once the watermark has passed it. */
    void onReading(SensorReading reading, ProgramContext context) throws Exception;

    /** An event-time timer this program registered for the current key. */
    void onEventTime(long timestamp, ProgramContext context) throws Exception;

    /** A processing-time timer this program registered for the current key. */
    default void onProcessingTime(long timestamp, ProgramContext context) throws Exception {}

    /**
     * How long event time must stand still (the watermark not advance) before {@link
     * #onEventTimeStalled} is called; 0, the default, for never.
     */
    default long stallMillis() {
        return 0;
    }

    /**
     * Event time has stood still for {@link #stallMillis}: called once per stall for every key that
     * has state of this program, with that key current. A program that needs the wall clock only
     * when event time stalls (a fallback) arms its per-key processing-time timers here instead of
     * keeping one per key all the time. The next call comes after the watermark has advanced and
     * stalled again.
     */
    default void onEventTimeStalled(ProgramContext context) throws Exception {}

    /** Releases what {@link #open} acquired. */
    default void close() throws Exception {}
}
