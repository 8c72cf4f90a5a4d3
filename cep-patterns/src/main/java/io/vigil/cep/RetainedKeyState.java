package io.vigil.cep;

import io.vigil.cep.engine.ProgramContext;

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

    /** True when {@code timestamp} is this key's cleanup timer. */
    final boolean isCleanupTimer(long timestamp) {
        return cleanupAt == timestamp;
    }

    /**
     * At the cleanup timer: true when the key has been quiet for the retention (the caller then
     * drops the state); otherwise moves the timer to the end of the quiet time and returns false
     * (the caller then stores the state).
     */
    final boolean expires(long timestamp, long retentionMillis, ProgramContext context) {
        long quietUntil = lastTimestamp + retentionMillis;
        if (quietUntil <= timestamp) {
            return true;
        }
        cleanupAt = quietUntil;
        context.registerEventTimeTimer(quietUntil);
        return false;
    }
}
