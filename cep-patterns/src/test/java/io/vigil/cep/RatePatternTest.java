package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.cep.config.AlertSettings;
import io.vigil.cep.config.RateSpec;
import io.vigil.cep.config.RateSpec.Direction;
import io.vigil.model.Alert;
import io.vigil.model.AlertState;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RatePatternTest {

    private static final long S = 1000;

    /** The worked example of docs/patterns.md: more than 0.5 per minute over 2 minutes. */
    private static final RateSpec VIBRATION =
            rate(0.5, Duration.ofMinutes(1), Duration.ofMinutes(2), Direction.RISING, 3);

    @Test
    void theDocumentedExampleFiresAtTheFirstSteepReadingAndResolvesWhenTheSlopeEases()
            throws Exception {
        try (EngineHarness harness = new EngineHarness(new RatePattern(VIBRATION))) {
            double[] values = {2.0, 2.1, 2.3, 2.8, 3.4, 3.5, 3.5, 3.5};
            for (int i = 0; i < values.length; i++) {
                harness.add(vibration(i * 30 * S, values[i]));
            }
            harness.watermark(60 * S);
            assertOutput(harness.events()).as("0.3 per minute at 60 s").hasNoMoreAlerts();

            harness.watermark(300 * S);

            assertOutput(harness.events())
                    .nextAlert(
                            alert().state(AlertState.FIRING)
                                    .startedAt(0)
                                    .endedAt(90 * S)
                                    .events(4)
                                    .peak(2.8))
                    .nextAlert(
                            alert().state(AlertState.RESOLVED)
                                    .startedAt(0)
                                    .endedAt(210 * S)
                                    .events(7)
                                    .peak(3.5))
                    .hasNoMoreAlerts();
            assertThat(harness.alerts().get(0).message())
                    .isEqualTo(
                            "rising at 0.533 mm/s per 1m over 90.0 s (max-rate 0.5), from 2.0 to"
                                    + " 2.8");
        }
    }

    @Test
    void aSlopeExactlyAtMaxRateIsNotSteep() throws Exception {
        RateSpec spec =
                rate(1.0, Duration.ofSeconds(1), Duration.ofSeconds(10), Direction.EITHER, 2);
        try (EngineHarness harness = new EngineHarness(new RatePattern(spec))) {
            harness.add(vibration(1 * S, 10), vibration(3 * S, 12), vibration(5 * S, 14));
            harness.watermark(5 * S);
            assertOutput(harness.events()).hasNoMoreAlerts();

            harness.add(vibration(6 * S, 15.5));
            harness.watermark(6 * S);

            // 5.5 over 5 s from the reading at 1 s: 1.1 per second.
            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S).endedAt(6 * S).events(4).peak(15.5))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void measuresFromTheOldestReadingWithinOver() throws Exception {
        RateSpec spec =
                rate(1.0, Duration.ofSeconds(1), Duration.ofSeconds(10), Direction.RISING, 2);
        // A jump at 2 s, then flat: from 1 s the slope at 11 s is 1.0 (not above); at 12 s the
        // oldest reading within 10 s is the one at 2 s: flat.
        List<Alert> events = events(spec, 20 * S, at(1, 0), at(2, 10), at(11, 10), at(12, 10));

        assertOutput(firing(events))
                .nextAlert(alert().startedAt(1 * S).endedAt(2 * S).events(2))
                .hasNoMoreAlerts();
        assertOutput(resolved(events))
                .nextAlert(alert().startedAt(1 * S).endedAt(11 * S).events(2))
                .hasNoMoreAlerts();
    }

    @Test
    void fallingWatchesDropsOnly() throws Exception {
        RateSpec spec =
                rate(2.0, Duration.ofSeconds(1), Duration.ofSeconds(5), Direction.FALLING, 2);
        List<Alert> alerts =
                firing(
                        events(
                                spec,
                                20 * S,
                                at(1, 10),
                                at(2, 20),
                                at(3, 30),
                                at(10, 30),
                                at(11, 20),
                                at(12, 20)));

        assertOutput(alerts)
                .nextAlert(alert().startedAt(10 * S).endedAt(11 * S).events(2).peak(30.0))
                .hasNoMoreAlerts();
        assertThat(alerts.get(0).message()).startsWith("falling at 10 mm/s per 1s");
    }

    @Test
    void ordersOutOfOrderReadingsInsideTheBoundByEventTime() throws Exception {
        RateSpec spec =
                rate(1.0, Duration.ofSeconds(1), Duration.ofSeconds(10), Direction.RISING, 3);
        // In arrival order the last reading (4 s, 0) would make the slope negative.
        List<Alert> events = events(spec, 30 * S, at(4, 8), at(2, 1), at(1, 0), at(3, 2));

        assertThat(events).isEqualTo(events(spec, 30 * S, at(1, 0), at(2, 1), at(3, 2), at(4, 8)));
        assertOutput(firing(events))
                .nextAlert(alert().startedAt(1 * S).endedAt(4 * S).events(4).peak(8.0))
                .hasNoMoreAlerts();
    }

    @Test
    void aKeyThatGoesQuietLeavesNoState() throws Exception {
        try (EngineHarness harness = new EngineHarness(new RatePattern(VIBRATION))) {
            for (int i = 0; i < 10; i++) {
                harness.add(vibration(i * 10 * S, 2.0));
            }
            harness.watermark(90 * S + 2 * 60 * S);

            assertThat(harness.numKeyedStateEntries()).isZero();
            assertOutput(harness.events()).hasNoMoreAlerts();
        }
    }

    @Test
    void matchesTheDocumentedSemanticsOnRandomReadings() throws Exception {
        int alerts = 0;
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            RateSpec spec =
                    new RateSpec(
                            "random-rate",
                            "warning",
                            List.of("m"),
                            0.5 * (1 + random.nextInt(4)),
                            Duration.ofSeconds(1 + random.nextInt(10)),
                            Duration.ofSeconds(5 + random.nextInt(30)),
                            Direction.values()[random.nextInt(3)],
                            2 + random.nextInt(4),
                            TestPatterns.randomAlertSettings(random));
            List<SensorReading> readings = RandomReadings.walk(random, 120, 6, 20, -3, 3);
            alerts +=
                    RandomReadings.feedShuffledAndCompare(
                            new RatePattern(spec),
                            readings,
                            expectedRates(spec, readings),
                            random,
                            String.format("seed %d, %s", seed, spec));
        }
        assertThat(alerts).as("the random walks exercise the pattern").isGreaterThan(200);
    }

    /** The rules in {@link RatePattern}'s Javadoc, written out plainly. */
    private static LifecycleModel.Expected expectedRates(
            RateSpec spec, List<SensorReading> readings) {
        int n = readings.size();
        long over = spec.over().toMillis();
        long per = spec.per().toMillis();
        boolean[] clear = new boolean[n];
        List<LifecycleModel.Detection> detections = new ArrayList<>();
        int coveredUpTo = -1;
        for (int i = 0; i < n; i++) {
            long time = readings.get(i).timestamp();
            int oldest = i;
            while (oldest > 0 && time - readings.get(oldest - 1).timestamp() <= over) {
                oldest--;
            }
            long millis = time - readings.get(oldest).timestamp();
            double change = readings.get(i).value() - readings.get(oldest).value();
            boolean rising = change * per > spec.maxRate() * millis;
            boolean falling = change * per < -spec.maxRate() * millis;
            boolean exceeds =
                    switch (spec.direction()) {
                        case RISING -> rising;
                        case FALLING -> falling;
                        case EITHER -> rising || falling;
                    };
            boolean steep = i - oldest + 1 >= spec.minEvents() && millis > 0 && exceeds;
            clear[i] = !steep;
            if (steep) {
                int first = Math.max(oldest, coveredUpTo + 1);
                double peak = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= i; j++) {
                    peak = Math.max(peak, readings.get(j).value());
                }
                detections.add(new LifecycleModel.Detection(first, i, i - first + 1, peak));
                coveredUpTo = i;
            }
        }
        return LifecycleModel.expect(readings, clear, detections, spec.alerting());
    }

    @ParameterizedTest
    @CsvSource({"0, 2, max-rate", "1, 1, min-events"})
    void rejectsSettingsOutsideTheirRange(double maxRate, int minEvents, String setting) {
        RateSpec spec =
                rate(
                        maxRate,
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        Direction.RISING,
                        minEvents);

        assertThatThrownBy(() -> new RatePattern(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(setting);
    }

    private static RateSpec rate(
            double maxRate, Duration per, Duration over, Direction direction, int minEvents) {
        return new RateSpec(
                "vibration-rate",
                "warning",
                List.of("vibration"),
                maxRate,
                per,
                over,
                direction,
                minEvents,
                AlertSettings.DEFAULTS);
    }

    /**
     * Every alert event the pattern emits for these readings, added in this order, up to the {@code
     * watermark}.
     */
    private static List<Alert> events(RateSpec spec, long watermark, SensorReading... readings)
            throws Exception {
        try (EngineHarness harness = new EngineHarness(new RatePattern(spec))) {
            harness.add(readings);
            harness.watermark(watermark);
            return harness.events();
        }
    }

    private static List<Alert> firing(List<Alert> events) {
        return events.stream().filter(Alert::isFiring).toList();
    }

    private static List<Alert> resolved(List<Alert> events) {
        return events.stream().filter(alert -> !alert.isFiring()).toList();
    }

    /** A vibration reading at {@code seconds} into the epoch. */
    private static SensorReading at(long seconds, double value) {
        return vibration(seconds * S, value);
    }

    private static SensorReading vibration(long timestamp, double value) {
        return new SensorReading("plant-a", "press-2", "vibration", timestamp, value, "mm/s");
    }
}
