package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * A {@link SpecProgram} on plain keyed state rather than Flink CEP: one {@link RetainedKeyState}
 * per key, which each reading in event-time order updates and which is dropped when event time
 * passes the key's last reading by the retention; what it detects goes to an {@link
 * AlertLifecycle}, and a reading is clear exactly when it detects nothing.
 */
abstract class KeyStateProgram<S extends PatternSpec, T extends RetainedKeyState>
        extends SpecProgram<S> {

    private static final long serialVersionUID = 1L;

    private final String stateName;
    private final SerializableSupplier<T> newState;
    private final long retentionMillis;
    private final AlertLifecycle lifecycle;

    private transient ValueState<T> state;

    /**
     * @param newState a key's state before its first reading
     * @param retentionMillis how long after a key's last reading its state is kept
     * @param reportDelayMillis how much later, in event time, than its first reading a detection
     *     may be reported (see {@link AlertLifecycle})
     */
    KeyStateProgram(
            SpecPattern<S> pattern,
            String stateName,
            SerializableSupplier<T> newState,
            long retentionMillis,
            long reportDelayMillis) {
        super(pattern);
        this.stateName = stateName;
        this.newState = newState;
        this.retentionMillis = retentionMillis;
        this.lifecycle = new AlertLifecycle(spec, reportDelayMillis);
    }

    /**
     * Adds {@code reading} to the key's state.
     *
     * @param keyState the key's state, updated in place
     * @param first whether {@code keyState} is new: the key has no earlier reading retained
     * @return the detection at {@code reading}, or {@code null} when the reading is clear
     */
    abstract Alert detect(SensorReading reading, T keyState, boolean first);

    @Override
    @SuppressWarnings("unchecked")
    public final void open(ProgramContext context) {
        // The state's class, for its serializer, from the one place that names it.
        Class<T> stateType = (Class<T>) newState.get().getClass();
        state = context.valueState(stateName, stateType);
        lifecycle.open(context);
    }

    @Override
    public final void onReading(SensorReading reading, ProgramContext context) throws Exception {
        long timestamp = reading.timestamp();
        T current = state.value();
        T keyState = current == null ? newState.get() : current;
        Alert detection = detect(reading, keyState, current == null);
        keyState.touch(timestamp, retentionMillis, context);
        state.update(keyState);
        if (detection != null) {
            lifecycle.detected(detection, timestamp, context);
        }
        lifecycle.observed(reading, detection == null, context);
    }

    @Override
    public final void onEventTime(long timestamp, ProgramContext context) throws Exception {
        lifecycle.onEventTime(timestamp, context);
        RetainedKeyState.onTimer(timestamp, state, retentionMillis, null, context);
    }
}
