package io.vigil.connectors.influxdb.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exponential backoff with jitter, Retry-After, and the bounds on retrying. */
class RetryPolicyTest {

    private final RetryPolicy policy =
            new RetryPolicy(
                    5, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void doublesTheBackoffUpToTheCapWithJitterInTheUpperHalf() {
        assertThat(policy.backoff(1, null, 0.0)).isEqualTo(Duration.ofMillis(50));
        assertThat(policy.backoff(1, null, 0.999))
                .isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
        assertThat(policy.backoff(2, null, 0.0)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(3, null, 0.5)).isEqualTo(Duration.ofMillis(300));
        assertThat(policy.backoff(10, null, 0.999))
                .isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
        assertThat(policy.backoff(1000, null, 0.0)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void honoursALongerRetryAfter() {
        assertThat(policy.backoff(1, Duration.ofSeconds(3), 0.5)).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.backoff(3, Duration.ofMillis(1), 0.0)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void stopsAtMaxAttemptsOrMaxDuration() {
        assertThat(policy.mayRetry(4, Duration.ZERO, Duration.ofMillis(100))).isTrue();
        assertThat(policy.mayRetry(5, Duration.ZERO, Duration.ofMillis(100))).isFalse();
        assertThat(policy.mayRetry(1, Duration.ofMillis(9950), Duration.ofMillis(100))).isFalse();
        assertThat(policy.mayRetry(1, Duration.ofMillis(9900), Duration.ofMillis(100))).isTrue();
    }
}
