package io.vigil.cep;

import io.vigil.cep.engine.CepMatcher;
import io.vigil.cep.engine.ProgramContext;
import org.apache.flink.api.common.state.ValueState;

/**
 * The part of a pattern's per-key state that forgets a key gone quiet: the event time of its latest
 * reading and its one cleanup timer, which moves lazily (cheaper than a timer per reading).
 * Subclasses are POJOs, so Flink serializes these fields with theirs, without Kryo.
 */
public abstract class RetainedKeyState {

    static final long NONE = Long.MIN_VALUE;

    public long lastTimestamp;
    public long cleanupAt = NONE;

    /** Records a reading at {@code timestamp}; registers the cleanup timer if there is none. */
    final void touch(long timestamp, long retentionMillis, ProgramContext context) {
        lastTimestamp = timestamp;
        if (cleanupAt == NONE) {
            cleanupAt = timestamp + retentionMillis;
            context.registerEventTimeTimer(cleanupAt);
        }
    }

    /**
     * At a program's event-time timer, after its matcher has advanced to {@code timestamp}: when
     * this is the key's cleanup timer, drops the key's state (and what its matcher keeps between
     * matches) if the key has been quiet for the retention, or moves the timer to the end of the
     * quiet time.
     */
    static <S extends RetainedKeyState> void onTimer(
            long timestamp,
            ValueState<S> state,
            long retentionMillis,
            CepMatcher<?> matcher,
            ProgramContext context)
            throws Exception {
        S current = state.value();
        if (current == null || current.cleanupAt != timestamp) {
            return;
        }
        long quietUntil = current.lastTimestamp + retentionMillis;
        if (quietUntil <= timestamp) {
            state.clear();
            if (matcher != null) {
                matcher.forgetIdleKey();
            }
        } else {
            current.cleanupAt = quietUntil;
            context.registerEventTimeTimer(quietUntil);
            state.update(current);
        }
    }
}
