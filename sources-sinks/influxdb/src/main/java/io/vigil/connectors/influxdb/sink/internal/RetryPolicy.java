package io.vigil.connectors.influxdb.sink.internal;

import java.time.Duration;
import org.apache.flink.annotation.Internal;

/** Exponential backoff with jitter, bounded by attempts and by total time. */
@Internal
final class RetryPolicy {

    final int maxAttempts;
    final Duration maxDuration;
    final Duration initialBackoff;
    final Duration maxBackoff;

    RetryPolicy(
            int maxAttempts, Duration maxDuration, Duration initialBackoff, Duration maxBackoff) {
        this.maxAttempts = maxAttempts;
        this.maxDuration = maxDuration;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Returns the wait before retry number {@code retry} (1 for the first retry): the doubled
     * backoff capped at the maximum, with its upper half jittered by {@code random} in [0, 1) so
     * that parallel writers do not retry in lockstep; never shorter than the server's Retry-After.
     */
    Duration backoff(int retry, Duration retryAfter, double random) {
        long initial = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        int shift = Math.min(retry - 1, 30);
        long exponential = initial > (cap >> shift) ? cap : Math.min(cap, initial << shift);
        long jittered = exponential / 2 + (long) (random * (exponential - exponential / 2));
        Duration wait = Duration.ofMillis(jittered);
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }

    /** Whether another attempt may follow {@code attemptsMade}, waiting {@code wait} first. */
    boolean mayRetry(int attemptsMade, Duration elapsed, Duration wait) {
        return attemptsMade < maxAttempts && elapsed.plus(wait).compareTo(maxDuration) <= 0;
    }
}
