package io.vigil.connectors.mqtt.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void doublesPerAttemptUpToTheCap() {
        ReconnectBackoff highest =
                new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.999999);

        assertThat(highest.delayMillis(0)).isBetween(990L, 1000L);
        assertThat(highest.delayMillis(1)).isBetween(1990L, 2000L);
        assertThat(highest.delayMillis(3)).isBetween(7990L, 8000L);
        assertThat(highest.delayMillis(10)).isBetween(29_990L, 30_000L);
        assertThat(highest.delayMillis(1_000)).isBetween(29_990L, 30_000L);
    }

    @Test
    void jitterStaysWithinTheUpperHalf() {
        ReconnectBackoff lowest =
                new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0);

        assertThat(lowest.delayMillis(0)).isEqualTo(500L);
        assertThat(lowest.delayMillis(2)).isEqualTo(2000L);
        assertThat(lowest.delayMillis(20)).isEqualTo(15_000L);
    }
}
