package io.vigil.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalyticsThroughputSettingsTest {

    @Test
    void keepsTheDefaultsOfTheDocumentedRun() {
        AnalyticsThroughput.Settings settings = AnalyticsThroughput.Settings.parse(new String[0]);

        assertThat(settings.sensors).containsExactly(2000, 10000);
        assertThat(settings.duration).isEqualTo(Duration.ofMinutes(6));
        assertThat(settings.runs).isEqualTo(3);
        assertThat(settings.warmups).isEqualTo(1);
        assertThat(settings.parallelism).isEqualTo(2);
        assertThat(settings.patterns).isEqualTo(Path.of("cep-patterns/patterns/default.yaml"));
    }

    @Test
    void readsEverySetting() {
        AnalyticsThroughput.Settings settings =
                AnalyticsThroughput.Settings.parse(
                        new String[] {
                            "--sensors", "100,200,300",
                            "--duration", "1h30m",
                            "--runs", "5",
                            "--warmups", "0",
                            "--parallelism", "4",
                            "--patterns", "p.yaml"
                        });

        assertThat(settings.sensors).isEqualTo(List.of(100, 200, 300));
        assertThat(settings.duration).isEqualTo(Duration.ofMinutes(90));
        assertThat(settings.runs).isEqualTo(5);
        assertThat(settings.warmups).isZero();
        assertThat(settings.parallelism).isEqualTo(4);
        assertThat(settings.patterns).isEqualTo(Path.of("p.yaml"));
    }

    @Test
    void rejectsUnknownOptionsMissingValuesAndNonPositiveCounts() {
        assertThatThrownBy(() -> AnalyticsThroughput.Settings.parse(new String[] {"--fast"}))
                .hasMessageContaining("--fast");
        assertThatThrownBy(() -> AnalyticsThroughput.Settings.parse(new String[] {"--runs"}))
                .hasMessageContaining("--runs");
        assertThatThrownBy(() -> AnalyticsThroughput.Settings.parse(new String[] {"--runs", "0"}))
                .hasMessage("--runs must be positive, was 0");
        assertThatThrownBy(
                        () ->
                                AnalyticsThroughput.Settings.parse(
                                        new String[] {"--parallelism", "-1"}))
                .hasMessage("--parallelism must be positive, was -1");
    }
}
