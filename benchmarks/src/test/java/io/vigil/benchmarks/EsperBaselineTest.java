package io.vigil.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.model.WindowAggregate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The EPL baseline gives the documented examples of docs/patterns.md, without Flink. */
class EsperBaselineTest {

    private static final long T0 = 1_764_547_200_000L;

    /** Compiled once: each run deploys it into a fresh runtime. */
    private static EsperBaseline esper;

    private static synchronized EsperBaseline.Result run(List<RawMessage> messages)
            throws Exception {
        if (esper == null) {
            esper =
                    new EsperBaseline(
                            PatternConfigLoader.load(
                                    Path.of("../cep-patterns/patterns/default.yaml")),
                            Duration.ofMinutes(1),
                            Duration.ofSeconds(5),
                            Set.of("sound"));
        }
        return esper.run(messages.toArray(RawMessage[]::new));
    }

    private static RawMessage reading(String metric, long ts, double value) {
        return RawMessage.of(
                "sensors/s1/d1/" + metric,
                String.format(Locale.ROOT, "{\"ts\":%d,\"value\":%s}", ts, value),
                ts);
    }

    @Test
    void burstOfThreeLoudReadingsGivesOneAlertWithItsPeak() throws Exception {
        List<RawMessage> messages = new ArrayList<>();
        double[] levels = {80, 86, 90, 88, 84, 70};
        for (int i = 0; i < levels.length; i++) {
            messages.add(reading("sound", T0 + i * 1000L, levels[i]));
        }

        List<Alert> alerts = run(messages).alerts();

        assertThat(alerts).hasSize(1);
        Alert burst = alerts.get(0);
        assertThat(burst.pattern()).isEqualTo("sound-burst");
        assertThat(burst.startedAt()).isEqualTo(T0 + 1000);
        assertThat(burst.endedAt()).isEqualTo(T0 + 3000);
        assertThat(burst.events()).isEqualTo(3);
        assertThat(burst.peak()).isEqualTo(90.0);
    }

    @Test
    void loudReadingsTooFarFromTheRunStartAreNoBurst() throws Exception {
        // docs/patterns.md: loud at 1, 10, 11.5 and 12 s with within 10 s is no burst.
        List<RawMessage> messages = new ArrayList<>();
        long[] times = {0, 1000, 10_000, 11_500, 12_000, 13_000};
        double[] levels = {80, 90, 90, 90, 90, 80};
        for (int i = 0; i < times.length; i++) {
            messages.add(reading("sound", T0 + times[i], levels[i]));
        }

        assertThat(run(messages).alerts()).isEmpty();
    }

    @Test
    void steadyRiseWithinToleranceGivesOneDrift() throws Exception {
        List<RawMessage> messages = new ArrayList<>();
        double[] temperatures = {20.0, 20.8, 20.7, 21.9, 23.4, 23.5};
        for (int i = 0; i < temperatures.length; i++) {
            messages.add(reading("temperature", T0 + i * 60_000L, temperatures[i]));
        }

        List<Alert> alerts = run(messages).alerts();

        assertThat(alerts).hasSize(1);
        Alert drift = alerts.get(0);
        assertThat(drift.pattern()).isEqualTo("thermal-drift");
        assertThat(drift.startedAt()).isEqualTo(T0);
        assertThat(drift.endedAt()).isEqualTo(T0 + 4 * 60_000L);
        assertThat(drift.events()).isEqualTo(5);
        assertThat(drift.peak()).isEqualTo(23.4);
    }

    @Test
    void gapLongerThanTwoMinutesIsOneSilenceButTheEndOfInputIsNot() throws Exception {
        List<RawMessage> messages = new ArrayList<>();
        messages.add(reading("humidity", T0, 40));
        messages.add(reading("humidity", T0 + 1000, 41));
        messages.add(reading("humidity", T0 + 1000 + 150_000, 42));
        messages.add(reading("humidity", T0 + 1000 + 160_000, 43));

        List<Alert> alerts = run(messages).alerts();

        assertThat(alerts)
                .singleElement()
                .satisfies(
                        silence -> {
                            assertThat(silence.pattern()).isEqualTo("sensor-silence");
                            assertThat(silence.startedAt()).isEqualTo(T0 + 1000);
                            assertThat(silence.endedAt()).isEqualTo(T0 + 1000 + 120_000);
                            assertThat(silence.peak()).isEqualTo(41.0);
                        });
    }

    @Test
    void windowsAggregateEachMinuteOfEachKey() throws Exception {
        List<RawMessage> messages = new ArrayList<>();
        messages.add(reading("sound", T0 + 10_000, 50));
        messages.add(reading("sound", T0 + 20_000, 60));
        messages.add(reading("sound", T0 + 70_000, 55));

        List<WindowAggregate> aggregates = run(messages).aggregates();

        assertThat(aggregates).hasSize(2);
        WindowAggregate first = aggregates.get(0);
        assertThat(first.windowStart()).isEqualTo(T0);
        assertThat(first.count()).isEqualTo(2);
        assertThat(first.min()).isEqualTo(50.0);
        assertThat(first.max()).isEqualTo(60.0);
        assertThat(first.mean()).isEqualTo(55.0);
        assertThat(first.stddev())
                .isCloseTo(Math.sqrt(50), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(first.last()).isEqualTo(60.0);
        assertThat(first.leq())
                .isCloseTo(
                        10 * Math.log10((1e5 + 1e6) / 2),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(aggregates.get(1).windowStart()).isEqualTo(T0 + 60_000);
    }
}
