package io.vigil.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Waits in tests for a condition that another thread, process or server brings about. */
public final class Await {

    private static final long POLL_MILLIS = 100;

    private Await() {}

    /**
     * Polls {@code condition} until it holds; past {@code timeout} fails with {@code what} (asked
     * only then, so it may describe the state at the time of the failure).
     */
    public static void until(Callable<Boolean> condition, Duration timeout, Supplier<String> what)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + ": " + what.get());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
