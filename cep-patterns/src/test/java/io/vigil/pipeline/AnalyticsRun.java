package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.cep.TestPatterns;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.testing.CollectingSink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What the pipeline ITCases collect from {@link SensorAnalytics}, and the alerts they expect:
 * {@code alerts} are the firing events (each alert as raised), {@code resolved} the resolving ones.
 */
record AnalyticsRun(
        List<WindowAggregate> aggregates,
        List<Alert> alerts,
        List<Alert> resolved,
        List<DeadLetter> deadLetters) {

    private static final long MINUTE = 60_000;

    /** Sends each output of {@code out} to a collecting sink, runs the job and returns them. */
    static AnalyticsRun execute(
            StreamExecutionEnvironment env, SensorAnalytics.Outputs out, String jobName)
            throws Exception {
        CollectingSink<WindowAggregate> aggregates = new CollectingSink<>();
        CollectingSink<Alert> alerts = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        out.aggregates().sinkTo(aggregates);
        out.alerts().sinkTo(alerts);
        out.deadLetters().sinkTo(deadLetters);
        env.execute(jobName);
        Map<Boolean, List<Alert>> byState =
                alerts.results().stream().collect(Collectors.partitioningBy(Alert::isFiring));
        return new AnalyticsRun(
                aggregates.results(), byState.get(true), byState.get(false), deadLetters.results());
    }

    /**
     * Every resolved event ends an alert that fired, once, and comes with that alert's start; the
     * alerts left firing are those of {@code stillFiring} (e.g. silences at the end of the input).
     */
    void assertEachAlertResolvesOnceExceptThose(List<Alert> stillFiring) {
        Map<String, Alert> fired = new HashMap<>();
        alerts.forEach(a -> fired.put(a.id(), a));
        assertThat(fired).as("one firing event per alert").hasSameSizeAs(alerts);
        assertThat(resolved).extracting(Alert::id).doesNotHaveDuplicates();
        for (Alert r : resolved) {
            assertThat(fired).as("the alert %s resolves", r).containsKey(r.id());
            assertThat(r.startedAt()).isEqualTo(fired.get(r.id()).startedAt());
            assertThat(r.endedAt()).isGreaterThan(fired.get(r.id()).startedAt());
        }
        List<String> open = new ArrayList<>(fired.keySet());
        open.removeAll(resolved.stream().map(Alert::id).toList());
        assertThat(open)
                .as("the alerts still firing at the end")
                .containsExactlyInAnyOrderElementsOf(stillFiring.stream().map(Alert::id).toList());
    }

    /** The alert {@code spec} raises for one key, without the message the tests do not compare. */
    static Alert expectedAlert(
            PatternSpec spec,
            String site,
            String device,
            String metric,
            long startedAt,
            long endedAt,
            int events,
            double peak) {
        return new Alert(
                spec.name(),
                spec.type(),
                spec.severity(),
                site,
                device,
                metric,
                startedAt,
                endedAt,
                events,
                peak,
                null);
    }

    /** The shipped sound burst's alert for readings at {@code levels}, one a second from start. */
    static Alert expectedSoundBurst(String site, String mic, long start, double... levels) {
        return expectedAlert(
                TestPatterns.SOUND_BURST,
                site,
                mic,
                "sound",
                start,
                start + (levels.length - 1) * 1000L,
                levels.length,
                Arrays.stream(levels).max().orElseThrow());
    }

    /** The alert of {@code spec} for the silence after {@code last}, its key's last reading. */
    static Alert expectedSilence(SilenceSpec spec, SensorReading last) {
        return expectedAlert(
                spec,
                last.site(),
                last.device(),
                last.metric(),
                last.timestamp(),
                last.timestamp() + spec.after().toMillis(),
                0,
                last.value());
    }

    /**
     * Asserts one one-minute aggregate per key and window of {@code readings}, each with exactly
     * the count, extremes, mean, standard deviation, last value and (for sound) Leq computed here.
     */
    void assertAggregatesOf(List<SensorReading> readings) {
        Map<String, List<SensorReading>> byWindow = new TreeMap<>();
        for (SensorReading r : readings) {
            long start = r.timestamp() - Math.floorMod(r.timestamp(), MINUTE);
            byWindow.computeIfAbsent(r.key() + "@" + start, k -> new ArrayList<>()).add(r);
        }
        Map<String, WindowAggregate> actualByWindow = new HashMap<>();
        for (WindowAggregate a : aggregates) {
            String id = a.site() + "/" + a.device() + "/" + a.metric() + "@" + a.windowStart();
            assertThat(actualByWindow.put(id, a)).as("one aggregate per window: %s", id).isNull();
        }
        assertThat(actualByWindow.keySet()).containsExactlyInAnyOrderElementsOf(byWindow.keySet());

        for (Map.Entry<String, List<SensorReading>> e : byWindow.entrySet()) {
            List<SensorReading> rs = e.getValue();
            WindowAggregate a = actualByWindow.get(e.getKey());
            int n = rs.size();
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double energy = 0;
            SensorReading last = rs.get(0);
            for (SensorReading r : rs) {
                sum += r.value();
                min = Math.min(min, r.value());
                max = Math.max(max, r.value());
                energy += Math.pow(10, r.value() / 10);
                last = r.timestamp() > last.timestamp() ? r : last;
            }
            double mean = sum / n;
            double squares = 0;
            for (SensorReading r : rs) {
                squares += (r.value() - mean) * (r.value() - mean);
            }
            assertThat(a.window()).isEqualTo("1m");
            assertThat(a.windowEnd() - a.windowStart()).isEqualTo(MINUTE);
            assertThat(a.count()).as(e.getKey()).isEqualTo(n);
            assertThat(a.min()).isEqualTo(min);
            assertThat(a.max()).isEqualTo(max);
            assertThat(a.mean()).isCloseTo(mean, within(1e-9));
            assertThat(a.stddev())
                    .isCloseTo(n < 2 ? 0 : Math.sqrt(squares / (n - 1)), within(1e-9));
            assertThat(a.last()).isEqualTo(last.value());
            if (a.metric().equals("sound")) {
                assertThat(a.leq()).isCloseTo(10 * Math.log10(energy / n), within(1e-9));
            } else {
                assertThat(a.leq()).isNaN();
            }
        }
    }
}
