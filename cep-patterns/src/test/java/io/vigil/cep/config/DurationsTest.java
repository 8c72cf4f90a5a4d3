package io.vigil.cep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "10s, PT10S",
        "10 s, PT10S",
        "5m, PT5M",
        "5min, PT5M",
        "1h, PT1H",
        "1d, PT24H",
        "PT10S, PT10S",
        "pt1m30s, PT1M30S",
        "P1D, PT24H",
        "0s, PT0S",
        "-5s, PT-5S"
    })
    void parsesShortFormsAndIso8601(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10 seconds", "s", "1.5s", "10S", "PTX", "ten minutes"})
    void rejectsTextThatIsNoDurationNamingIt(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'%s' is not a duration such as %s", text, Durations.EXAMPLES);
    }

    @Test
    void rejectsDurationsTooLargeToHold() {
        assertThatThrownBy(() -> Durations.parse("99999999999999999999d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> Durations.parse("999999999999999d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({
        "PT0.5S, 500ms",
        "PT1.5S, 1500ms",
        "PT10S, 10s",
        "PT90S, 90s",
        "PT5M, 5m",
        "PT1H, 1h",
        "PT48H, 2d",
        "PT0S, 0s",
        "PT0.0000001S, PT0.0000001S"
    })
    void formatsInTheLargestExactUnit(String iso, String expected) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(expected);
    }

    @Test
    void formatsHugeDurationsInIso8601() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThat(Durations.format(huge)).isEqualTo(huge.toString());
    }

    @Test
    void formatThenParseGivesTheSameDuration() {
        for (Duration d :
                new Duration[] {
                    Duration.ofMillis(250),
                    Duration.ofSeconds(45),
                    Duration.ofMinutes(7),
                    Duration.ofHours(3),
                    Duration.ofDays(2)
                }) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }
}
