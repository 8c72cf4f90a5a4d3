package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.cep.AlertAsserter.ExpectedAlert;
import io.vigil.cep.config.BurstSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BurstPatternTest {

    private static final BurstSpec LOUD = TestPatterns.LOUD_BURST;

    /** 3 readings over 15 above the running baseline within 10 s. */
    private static final BurstSpec RELATIVE =
            new BurstSpec(
                    "relative-burst",
                    "critical",
                    List.of("sound"),
                    null,
                    15.0,
                    3,
                    Duration.ofSeconds(10));

    private static final long S = 1000;

    @Test
    void emitsOneAlertForABurstOfNWhenTheQuietReadingEndsIt() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 80), sound(2 * S, 90), sound(3 * S, 97.3), sound(4 * S, 91));
            harness.add(sound(5 * S, 80));
            harness.watermark(4 * S);
            assertOutput(harness.alerts()).as("the burst has not ended yet").hasNoMoreAlerts();

            harness.watermark(5 * S);

            assertOutput(harness.alerts())
                    .nextAlertEquals(
                            new Alert(
                                    "loud-burst",
                                    "burst",
                                    "warning",
                                    "plant-a",
                                    "mic-07",
                                    "sound",
                                    2 * S,
                                    4 * S,
                                    3,
                                    97.3,
                                    "3 readings above 85.0 dB over 2.0 s, peak 97.3"))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void coversTheWholeRunOfLoudReadings() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            for (int i = 0; i < 7; i++) {
                harness.add(sound((i + 1) * S, 86 + i));
            }
            harness.add(sound(8 * S, 70));
            harness.watermark(8 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S).endedAt(7 * S).events(7).peak(92.0))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void twoBurstsApartGiveTwoAlerts() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), sound(2 * S, 90), sound(3 * S, 90), sound(4 * S, 60));
            harness.add(sound(20 * S, 95), sound(21 * S, 96), sound(22 * S, 97), sound(23 * S, 60));
            harness.watermark(30 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S).endedAt(3 * S).events(3))
                    .nextAlert(alert().startedAt(20 * S).endedAt(22 * S).events(3))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void fewerLoudReadingsThanMinEventsGiveNoAlert() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), sound(2 * S, 90), sound(3 * S, 60));
            harness.watermark(60 * S);

            assertOutput(harness.alerts()).hasNoMoreAlerts();
        }
    }

    @Test
    void aReadingExactlyAtTheThresholdEndsTheBurst() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), sound(2 * S, 90), sound(3 * S, 85.0));
            harness.add(sound(4 * S, 90), sound(5 * S, 90), sound(6 * S, 60));
            harness.watermark(60 * S);
            assertOutput(harness.alerts())
                    .as("two runs of two, split at the threshold")
                    .hasNoMoreAlerts();

            harness.add(sound(61 * S, 90), sound(62 * S, 90), sound(63 * S, 90));
            harness.add(sound(64 * S, 85.0), sound(65 * S, 99), sound(66 * S, 60));
            harness.watermark(120 * S);
            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(61 * S).endedAt(63 * S).peak(90.0))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void ordersOutOfOrderReadingsInsideTheBoundByEventTime() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            // Event-time order: quiet, loud, loud, loud, quiet.
            harness.add(sound(4 * S, 93), sound(2 * S, 91), sound(5 * S, 60));
            harness.add(sound(1 * S, 60), sound(3 * S, 92));
            harness.watermark(5 * S);
            // Event-time order: loud, quiet, loud, loud, quiet: arrival order would see 3 loud.
            harness.add(sound(13 * S, 93), sound(11 * S, 91), sound(14 * S, 94));
            harness.add(sound(12 * S, 60), sound(15 * S, 60));
            harness.watermark(30 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(2 * S).endedAt(4 * S).events(3).peak(93.0))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void aRunSpanningExactlyWithinIsABurst() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), sound(6 * S, 90), sound(11 * S, 90), sound(12 * S, 60));
            harness.add(sound(20 * S, 90), sound(25 * S, 90), sound(30 * S + 1, 90));
            harness.add(sound(31 * S, 60));
            harness.watermark(60 * S);

            assertOutput(harness.alerts()).nextAlert(alert().endedAt(11 * S)).hasNoMoreAlerts();
        }
    }

    @Test
    void aLongRunGivesOneAlertWhenItsWindowCloses() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            for (int i = 1; i <= 31; i++) {
                harness.add(sound(i * S, 90));
                harness.watermark(i * S);
                if (i == 11) {
                    assertOutput(harness.alerts())
                            .as("window [1 s, 11 s] still open")
                            .hasNoMoreAlerts();
                }
            }
            harness.add(sound(32 * S, 60));
            harness.watermark(120 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S).endedAt(11 * S).events(11))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void alertsWhenTheWindowClosesBeforeALateQuietReading() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), sound(2 * S, 95), sound(3 * S, 90));
            harness.watermark(11 * S);
            assertOutput(harness.alerts()).hasNoMoreAlerts();

            harness.watermark(11 * S + 1);

            ExpectedAlert burst = alert().startedAt(1 * S).endedAt(3 * S).events(3).peak(95.0);
            assertOutput(harness.alerts()).nextAlert(burst).hasNoMoreAlerts();
            harness.add(sound(40 * S, 60));
            harness.watermark(60 * S);
            assertOutput(harness.alerts()).nextAlert(burst).hasNoMoreAlerts();
        }
    }

    @Test
    void aGapLongerThanWithinStartsANewRun() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), sound(12 * S, 90), sound(13 * S, 90), sound(14 * S, 90));
            harness.add(sound(15 * S, 60));
            harness.watermark(60 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(12 * S).events(3))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void qualifyingReadingsMustLieWithinWithinOfTheRunStart() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            // 10, 11.5 and 12 s are three loud readings within 2 s, but the run started at 1 s
            // and has only two readings in [1 s, 11 s]: documented as no burst.
            harness.add(sound(1 * S, 90), sound(10 * S, 90), sound(11_500, 90), sound(12 * S, 90));
            harness.add(sound(13 * S, 60));
            harness.watermark(60 * S);

            assertOutput(harness.alerts()).hasNoMoreAlerts();
        }
    }

    @Test
    void keysAreIndependent() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), other(1 * S, 60), sound(2 * S, 90), other(2 * S, 90));
            harness.add(sound(3 * S, 90), other(3 * S, 90), sound(4 * S, 60), other(4 * S, 60));
            harness.watermark(60 * S);

            assertOutput(harness.alerts()).nextAlert(alert().device("mic-07")).hasNoMoreAlerts();
        }
    }

    @Test
    void aboveBaselineBurstUsesTheRunningBaselineOfQuietReadings() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(RELATIVE))) {
            // Baselines: 50 (first reading), 51 after 60, 52.45 after 65.5 (quiet: threshold 66).
            harness.add(sound(1 * S, 50), sound(2 * S, 60), sound(3 * S, 65.5));
            // Threshold 67.45: loud.
            harness.add(sound(4 * S, 68), sound(5 * S, 70), sound(6 * S, 75));
            harness.add(sound(7 * S, 52));
            // A second burst at the same level: the loud readings did not raise the baseline.
            harness.add(sound(8 * S, 72), sound(9 * S, 73), sound(10 * S, 74), sound(11 * S, 52));
            harness.watermark(60 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(4 * S).events(3).severity("critical"))
                    .nextAlert(alert().startedAt(8 * S).events(3).severity("critical"))
                    .hasNoMoreAlerts();
            assertThat(harness.alerts().get(0).message())
                    .startsWith("3 readings more than 15.0 dB above baseline 52.");
        }
    }

    @Test
    void theFirstReadingOfAKeyInitialisesTheBaselineAndIsNeverLoud() throws Exception {
        BurstSpec relative =
                new BurstSpec(
                        "relative-burst",
                        "critical",
                        List.of("sound"),
                        null,
                        5.0,
                        1,
                        Duration.ofSeconds(10));
        try (EngineHarness harness = new EngineHarness(new BurstPattern(relative))) {
            harness.add(sound(1 * S, 120), sound(2 * S, 120), sound(3 * S, 126), sound(4 * S, 120));
            harness.watermark(60 * S);

            assertOutput(harness.alerts()).nextAlert(alert().startedAt(3 * S)).hasNoMoreAlerts();
        }
    }

    @Test
    void matchesTheDocumentedSemanticsOnRandomReadings() throws Exception {
        int alerts = 0;
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            boolean relative = random.nextBoolean();
            boolean below = random.nextBoolean();
            double threshold = below ? 83.0 : 85.0;
            Double clearLevel =
                    relative || random.nextBoolean()
                            ? null
                            : threshold + (below ? 0.5 : -0.5) * random.nextInt(5);
            BurstSpec spec =
                    new BurstSpec(
                            "random-burst",
                            "warning",
                            List.of("m"),
                            relative ? null : threshold,
                            relative ? 0.5 * (2 + random.nextInt(8)) : null,
                            1 + random.nextInt(4),
                            Duration.ofSeconds(3 + random.nextInt(15)),
                            below,
                            clearLevel,
                            TestPatterns.randomAlertSettings(random));
            List<SensorReading> readings = RandomReadings.noise(random, 80, 6, 80, 20);
            try (EngineHarness harness = new EngineHarness(new BurstPattern(spec))) {
                RandomReadings.feedShuffled(harness, readings, 5 * S, random);

                LifecycleModel.Expected expected = expectedBursts(spec, readings);
                assertOutput(harness.alerts())
                        .as("seed %d, %s", seed, spec)
                        .hasRemainingAlertsInAnyOrder(expected.firing());
                assertOutput(harness.resolved())
                        .as("seed %d, %s: resolved", seed, spec)
                        .hasRemainingAlertsInAnyOrder(expected.resolved());
                // What remains is the state of an alert still firing, or cooling down, at the end.
                assertThat(harness.numKeyedStateEntries()).isLessThanOrEqualTo(1);
                alerts += harness.alerts().size();
            }
        }
        assertThat(alerts).as("the random readings exercise the pattern").isGreaterThan(200);
    }

    /** The rules in {@link BurstPattern}'s Javadoc, written out plainly. */
    private static LifecycleModel.Expected expectedBursts(
            BurstSpec spec, List<SensorReading> readings) {
        int n = readings.size();
        long within = spec.within().toMillis();
        boolean[] loud = new boolean[n];
        boolean[] clear = new boolean[n];
        Double baseline = null;
        for (int i = 0; i < n; i++) {
            double value = readings.get(i).value();
            double threshold;
            if (spec.isRelativeToBaseline()) {
                double base = baseline == null ? value : baseline;
                threshold =
                        spec.below() ? base - spec.baselineMargin() : base + spec.baselineMargin();
                boolean beyond = spec.below() ? value < threshold : value > threshold;
                if (!beyond) {
                    baseline = baseline == null ? value : base + 0.1 * (value - base);
                }
            } else {
                threshold = spec.threshold();
            }
            loud[i] = spec.below() ? value < threshold : value > threshold;
            if (spec.clearLevel() == null) {
                clear[i] = !loud[i];
            } else {
                clear[i] = spec.below() ? value >= spec.clearLevel() : value <= spec.clearLevel();
            }
        }
        List<LifecycleModel.Detection> detections = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = readings.get(i).timestamp();
            boolean startsRun =
                    loud[i]
                            && (i == 0
                                    || !loud[i - 1]
                                    || start - readings.get(i - 1).timestamp() > within);
            if (!startsRun) {
                continue;
            }
            int j = i;
            double peak = spec.below() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            while (j < n && loud[j] && readings.get(j).timestamp() - start <= within) {
                double value = readings.get(j).value();
                peak = spec.below() ? Math.min(peak, value) : Math.max(peak, value);
                j++;
            }
            if (j - i >= spec.minEvents()) {
                detections.add(new LifecycleModel.Detection(i, j - 1, j - i, peak));
            }
        }
        return LifecycleModel.expect(readings, clear, detections, spec.alerting(), spec.below());
    }

    @Test
    void leavesNoStateForAKeyThatStopsSending() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(1 * S, 90), sound(2 * S, 90), sound(3 * S, 90), sound(4 * S, 60));
            harness.add(sound(5 * S, 90), sound(6 * S, 90));
            harness.watermark(6 * S);
            assertThat(harness.numKeyedStateEntries()).isPositive();

            harness.watermark(16 * S + 1);

            assertOutput(harness.alerts()).nextAlert(alert().startedAt(1 * S)).hasNoMoreAlerts();
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void forgetsTheBaselineAfterTheRetention() throws Exception {
        try (EngineHarness harness =
                new EngineHarness(new BurstPattern(RELATIVE, 0.1, Duration.ofMinutes(5)))) {
            harness.add(sound(1 * S, 50), sound(2 * S, 52));
            harness.watermark(4 * 60 * S);
            assertThat(harness.numKeyedStateEntries()).as("baseline kept").isPositive();

            harness.watermark(2 * S + 5 * 60 * S);

            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void scoresInEventTimeOrderWithoutTheReadingsAtOrBelowTheWatermark() throws Exception {
        try (EngineHarness harness = new EngineHarness(new BurstPattern(LOUD))) {
            harness.add(sound(5 * S, 90));
            harness.watermark(5 * S);
            // Late: never scored, so it neither counts nor ends the run.
            harness.add(sound(5 * S, 70));
            harness.add(sound(7 * S, 93), sound(6 * S, 92), sound(8 * S, 70));
            harness.watermark(10 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(5 * S).endedAt(7 * S).events(3).peak(93.0))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void rejectsASpecWithBothThresholds() {
        BurstSpec both =
                new BurstSpec(
                        "both", "warning", List.of("sound"), 85.0, 10.0, 3, Duration.ofSeconds(10));

        assertThatThrownBy(() -> new BurstPattern(both))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'both'")
                .hasMessageContaining("threshold=85.0");
    }

    @Test
    void rejectsANegativeAboveBaseline() {
        BurstSpec negative =
                new BurstSpec(
                        "negative",
                        "warning",
                        List.of("sound"),
                        null,
                        -3.0,
                        3,
                        Duration.ofSeconds(10));

        assertThatThrownBy(() -> new BurstPattern(negative))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'negative'")
                .hasMessageContaining("the baseline margin must not be negative, got -3.0");
    }

    @Test
    void rejectsABaselineWeightOutsideZeroToOne() {
        assertThatThrownBy(() -> new BurstPattern(LOUD, 1.5, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PatternOptions.BURST_BASELINE_WEIGHT.key())
                .hasMessageContaining("1.5");
    }

    private static SensorReading sound(long timestamp, double value) {
        return new SensorReading("plant-a", "mic-07", "sound", timestamp, value, "dB");
    }

    private static SensorReading other(long timestamp, double value) {
        return new SensorReading("plant-a", "mic-08", "sound", timestamp, value, "dB");
    }
}
