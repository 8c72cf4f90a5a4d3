package io.vigil.connectors.mqtt.connection;

import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.apache.flink.annotation.Internal;

/**
 * Exponential reconnect delay with full jitter, capped, so that many readers do not reconnect in
 * step.
 */
@Internal
public final class ReconnectBackoff {

    private final long initialMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    public ReconnectBackoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /**
     * The delay before attempt {@code attempt} (0 for the first after a loss): a uniformly random
     * value between half and all of {@code min(max, initial * 2^attempt)}.
     */
    public long delayMillis(int attempt) {
        int shift = Math.min(Math.max(attempt, 0), 30);
        long ceiling = Math.min(maxMillis, initialMillis << shift);
        if (ceiling < 0) {
            ceiling = maxMillis;
        }
        long half = ceiling / 2;
        return half + (long) (random.getAsDouble() * (ceiling - half));
    }
}
