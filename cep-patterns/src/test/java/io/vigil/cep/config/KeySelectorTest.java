package io.vigil.cep.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeySelectorTest {

    @ParameterizedTest
    @CsvSource({
        "mic-0*, mic-01, true",
        "mic-0*, mic-0, true",
        "mic-0*, mic-10, false",
        "mic-?1, mic-01, true",
        "mic-?1, mic-1, false",
        "*, '', true",
        "*-01, mic-01, true",
        "a*b*c, axxbyyc, true",
        "a*b*c, axxcyyb, false",
        "mic-01, mic-01, true",
        "mic-01, mic-011, false",
    })
    void aGlobMatchesWithStarAndQuestionMark(String glob, String text, boolean matches) {
        assertThat(KeySelector.matches(glob, text)).isEqualTo(matches);
    }

    @Test
    void starAndQuestionMarkInATextAreLiteral() {
        assertThat(KeySelector.matches("mic?", "mic*")).isTrue();
        assertThat(KeySelector.matches("mic-*", "mic-?")).isTrue();
        assertThat(KeySelector.matches("mic", "mi?")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "mic-0*, mic-*1, true",
        "mic-0*, mic-1*, false",
        "*a, *b, false",
        "*a, b*, true",
        "?, ??, false",
        "a*, *, true",
        "mic-??, mic-0*, true",
        "x*y, x?, true",
        "x*y, x?z, false",
    })
    void twoGlobsOverlapWhenSomeTextMatchesBoth(String a, String b, boolean overlap) {
        assertThat(KeySelector.overlap(a, b)).isEqualTo(overlap);
        assertThat(KeySelector.overlap(b, a)).isEqualTo(overlap);
    }

    @Test
    void moreFieldsAreMoreSpecificThanMoreLiteralCharacters() {
        KeySelector siteAndDevice = new KeySelector("*", "*", null);
        KeySelector longDevice = new KeySelector(null, "microphone-0001", null);
        KeySelector shortDevice = new KeySelector(null, "mic-0*", null);

        assertThat(
                        List.of(shortDevice, siteAndDevice, longDevice).stream()
                                .sorted(KeySelector.MOST_SPECIFIC_FIRST)
                                .toList())
                .containsExactly(siteAndDevice, longDevice, shortDevice);
        assertThat(
                        new KeySelector("plant-b", null, null)
                                .equallySpecific(new KeySelector(null, "mic-001*", null)))
                .isTrue();
    }

    @Test
    void overlapOfMetricsIsJudgedAgainstThePatternsMetrics() {
        KeySelector sound = new KeySelector(null, "mic-*", "sound");
        KeySelector anyMetric = new KeySelector(null, "mic-*", "s*");

        assertThat(sound.overlaps(anyMetric, List.of("sound", "vibration"))).isTrue();
        assertThat(sound.overlaps(anyMetric, List.of("speed"))).isFalse();
        assertThat(
                        new KeySelector(null, null, "s*")
                                .overlaps(new KeySelector(null, null, "*d"), List.of("*")))
                .isTrue();
    }
}
