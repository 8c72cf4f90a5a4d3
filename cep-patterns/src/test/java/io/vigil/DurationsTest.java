package io.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void labelsUseTheLargestWholeUnit() {
        assertThat(Durations.label(Duration.ofMinutes(1))).isEqualTo("1m");
        assertThat(Durations.label(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.label(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.label(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(Durations.label(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
