package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.cep.config.AlertSettings;
import io.vigil.cep.config.FlatlineSpec;
import io.vigil.model.AlertState;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlatlinePatternTest {

    private static final long S = 1000;

    /** The worked example of docs/patterns.md: 4 readings within 0.05. */
    private static final FlatlineSpec STUCK = flatline(0.05, 4, null, Duration.ofHours(1));

    @Test
    void theDocumentedExampleFiresWhenTheStretchHasEnoughReadingsAndResolvesWhenItLeavesTheBand()
            throws Exception {
        try (EngineHarness harness = new EngineHarness(new FlatlinePattern(STUCK))) {
            double[] values = {21.3, 21.7, 21.72, 21.70, 21.74, 21.71, 21.9};
            for (int i = 0; i < values.length; i++) {
                harness.add(temperature(i * 30 * S, values[i]));
            }
            harness.watermark(90 * S);
            assertOutput(harness.events()).as("3 readings in the band so far").hasNoMoreAlerts();

            harness.watermark(300 * S);

            assertOutput(harness.events())
                    .nextAlert(
                            alert().state(AlertState.FIRING)
                                    .startedAt(30 * S)
                                    .endedAt(120 * S)
                                    .events(4)
                                    .peak(21.74))
                    .nextAlert(
                            alert().state(AlertState.RESOLVED)
                                    .startedAt(30 * S)
                                    .endedAt(180 * S)
                                    .events(5)
                                    .peak(21.74))
                    .hasNoMoreAlerts();
            assertThat(harness.alerts().get(0).message())
                    .isEqualTo("4 readings from 21.7 to 21.74 °C over 90.0 s");
        }
    }

    @Test
    void forNeedsTheStretchToSpanTheDuration() throws Exception {
        FlatlineSpec spec = flatline(0, null, Duration.ofSeconds(10), Duration.ofHours(1));
        try (EngineHarness harness = new EngineHarness(new FlatlinePattern(spec))) {
            // 1..10 s spans 9 s; 11 s makes 10 s.
            for (int i = 1; i <= 10; i++) {
                harness.add(temperature(i * S, 20));
            }
            harness.watermark(10 * S);
            assertOutput(harness.events()).hasNoMoreAlerts();

            harness.add(
                    temperature(11 * S, 20), temperature(12 * S, 20), temperature(13 * S, 20.1));
            harness.watermark(20 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S).endedAt(11 * S).events(11).peak(20.0))
                    .hasNoMoreAlerts();
            assertOutput(harness.resolved())
                    .nextAlert(alert().startedAt(1 * S).endedAt(13 * S).events(12))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void aGapLongerThanMaxGapStartsANewStretch() throws Exception {
        FlatlineSpec spec = flatline(0, 3, null, Duration.ofSeconds(10));
        try (EngineHarness harness = new EngineHarness(new FlatlinePattern(spec))) {
            harness.add(temperature(1 * S, 20), temperature(11 * S, 20), temperature(22 * S, 20));
            harness.add(temperature(30 * S, 20), temperature(40 * S, 20));
            harness.watermark(100 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(22 * S).endedAt(40 * S).events(3))
                    .hasNoMoreAlerts();
            assertThat(harness.numKeyedStateEntries())
                    .as("the stretch is forgotten after max-gap; the alert still fires")
                    .isEqualTo(1);
        }
    }

    @Test
    void ordersOutOfOrderReadingsInsideTheBoundByEventTime() throws Exception {
        FlatlineSpec spec = flatline(0, 3, null, Duration.ofHours(1));
        try (EngineHarness harness = new EngineHarness(new FlatlinePattern(spec))) {
            // In arrival order 20, 20, 25, 20: no three equal in a row.
            harness.add(temperature(1 * S, 20), temperature(3 * S, 20), temperature(4 * S, 25));
            harness.add(temperature(2 * S, 20));
            harness.watermark(10 * S);

            assertOutput(harness.events())
                    .nextAlert(alert().state(AlertState.FIRING).startedAt(1 * S).endedAt(3 * S))
                    .nextAlert(alert().state(AlertState.RESOLVED).endedAt(4 * S).events(3))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void matchesTheDocumentedSemanticsOnRandomReadings() throws Exception {
        int alerts = 0;
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            boolean byCount = random.nextInt(3) != 0;
            boolean byDuration = !byCount || random.nextBoolean();
            FlatlineSpec spec =
                    new FlatlineSpec(
                            "random-flatline",
                            "warning",
                            List.of("m"),
                            0.5 * random.nextInt(3),
                            byCount ? 2 + random.nextInt(4) : null,
                            byDuration ? Duration.ofSeconds(2 + random.nextInt(12)) : null,
                            Duration.ofSeconds(2 + random.nextInt(6)),
                            TestPatterns.randomAlertSettings(random));
            List<SensorReading> readings =
                    RandomReadings.noise(random, 80, 5, 20, 1 + random.nextInt(3));
            alerts +=
                    RandomReadings.feedShuffledAndCompare(
                            new FlatlinePattern(spec),
                            readings,
                            expectedFlatlines(spec, readings),
                            random,
                            String.format("seed %d, %s", seed, spec));
        }
        assertThat(alerts).as("the random readings exercise the pattern").isGreaterThan(200);
    }

    /** The rules in {@link FlatlinePattern}'s Javadoc, written out plainly. */
    private static LifecycleModel.Expected expectedFlatlines(
            FlatlineSpec spec, List<SensorReading> readings) {
        int n = readings.size();
        boolean[] clear = new boolean[n];
        List<LifecycleModel.Detection> detections = new ArrayList<>();
        int start = 0;
        boolean covered = false;
        for (int i = 0; i < n; i++) {
            long time = readings.get(i).timestamp();
            boolean joins =
                    i > 0
                            && time - readings.get(i - 1).timestamp() <= spec.maxGap().toMillis()
                            && band(readings, start, i) <= spec.epsilon();
            if (!joins) {
                start = i;
                covered = false;
            }
            boolean stuck =
                    (spec.minEvents() == null || i - start + 1 >= spec.minEvents())
                            && (spec.minDuration() == null
                                    || time - readings.get(start).timestamp()
                                            >= spec.minDuration().toMillis());
            clear[i] = !stuck;
            if (stuck) {
                int first = covered ? i : start;
                double peak = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= i; j++) {
                    peak = Math.max(peak, readings.get(j).value());
                }
                detections.add(new LifecycleModel.Detection(first, i, i - first + 1, peak));
                covered = true;
            }
        }
        return LifecycleModel.expect(readings, clear, detections, spec.alerting());
    }

    /** max - min of the readings {@code from..to}, both included. */
    private static double band(List<SensorReading> readings, int from, int to) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = from; j <= to; j++) {
            min = Math.min(min, readings.get(j).value());
            max = Math.max(max, readings.get(j).value());
        }
        return max - min;
    }

    @Test
    void rejectsSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> new FlatlinePattern(flatline(0, null, null, Duration.ofHours(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min-events, for, or both");
        assertThatThrownBy(() -> new FlatlinePattern(flatline(-1, 3, null, Duration.ofHours(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon");
    }

    private static FlatlineSpec flatline(
            double epsilon, Integer minEvents, Duration minDuration, Duration maxGap) {
        return new FlatlineSpec(
                "stuck-sensor",
                "warning",
                List.of("temperature"),
                epsilon,
                minEvents,
                minDuration,
                maxGap,
                AlertSettings.DEFAULTS);
    }

    private static SensorReading temperature(long timestamp, double value) {
        return new SensorReading("plant-a", "pump-3", "temperature", timestamp, value, "°C");
    }
}
