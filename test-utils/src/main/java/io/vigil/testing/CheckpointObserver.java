package io.vigil.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/** A pass-through map that counts completed checkpoints, so a test can assert one completed. */
public final class CheckpointObserver<T> implements MapFunction<T, T>, CheckpointListener {

    private static final long serialVersionUID = 1L;

    private static final AtomicInteger COMPLETED = new AtomicInteger();

    public static int completedCheckpoints() {
        return COMPLETED.get();
    }

    public static void reset() {
        COMPLETED.set(0);
    }

    @Override
    public T map(T value) {
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        COMPLETED.incrementAndGet();
    }
}
