package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.cep.config.DriftSpec;
import io.vigil.model.Alert;
import io.vigil.model.AlertState;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftPatternTest {

    private static final long S = 1000;

    private static final DriftSpec DRIFT = TestPatterns.PUMP_DRIFT;

    /** At least 2 readings within 100 s, drops of at most 10, rising at least 3. */
    private static final DriftSpec WIDE =
            new DriftSpec(
                    "pump-drift",
                    "critical",
                    List.of("temperature"),
                    2,
                    Duration.ofSeconds(100),
                    10,
                    3.0);

    @Test
    void alertsOnASteadyRiseAtItsFirstQualifyingReading() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            harness.add(temp(10 * S, 20), temp(20 * S, 21), temp(30 * S, 22));
            harness.add(temp(40 * S, 23), temp(50 * S, 24));
            harness.watermark(30 * S);
            assertOutput(harness.alerts()).hasNoMoreAlerts();

            harness.watermark(40 * S);

            assertOutput(harness.alerts())
                    .nextAlertEquals(
                            new Alert(
                                    "pump-drift",
                                    "drift",
                                    "critical",
                                    "plant-a",
                                    "pump-3",
                                    "temperature",
                                    10 * S,
                                    40 * S,
                                    4,
                                    23.0,
                                    "4 readings rising 3.0 °C from 20.0 to 23.0 over 30.0 s,"
                                            + " peak 23.0"))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void noiseInsideTheToleranceKeepsTheRun() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            // 21.5 -> 21.0 drops exactly the tolerance: the run from 20 goes on.
            harness.add(temp(10 * S, 20), temp(20 * S, 21.5), temp(30 * S, 21.0));
            harness.add(temp(40 * S, 22), temp(50 * S, 23.5));
            harness.watermark(100 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(10 * S).endedAt(50 * S).events(5).peak(23.5))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void aDropBeyondTheToleranceBreaksTheRun() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            // 21.5 -> 20.9 drops 0.6 > 0.5: runs starting before 20.9 end there.
            harness.add(temp(10 * S, 20), temp(20 * S, 21.5), temp(30 * S, 20.9));
            harness.add(temp(40 * S, 22), temp(50 * S, 23.95), temp(60 * S, 24.0));
            harness.watermark(100 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(30 * S).endedAt(60 * S).events(4))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void aRiseSlowerThanWithinIsNoDrift() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            for (int i = 1; i <= 20; i++) {
                harness.add(temp(i * 10 * S, 20 + 0.4 * i));
            }
            harness.watermark(300 * S);

            // 0.4 per 10 s is 2.4 per 60 s: never 3 within the window.
            assertOutput(harness.alerts()).hasNoMoreAlerts();
        }
    }

    @Test
    void aRunSpanningExactlyWithinQualifies() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            harness.add(temp(10 * S, 20), temp(30 * S, 20.5), temp(50 * S, 21), temp(70 * S, 23));
            harness.add(temp(100 * S, 19), temp(120 * S, 19.5), temp(140 * S, 20));
            harness.add(temp(160 * S + 1, 22));
            harness.watermark(300 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(10 * S).endedAt(70 * S))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void startsTheRunWhereTheRiseBeginsAfterAFlatStretch() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            // Flat (noise 0.2) for five minutes, then up 1 per 10 s.
            for (int i = 1; i <= 30; i++) {
                harness.add(temp(i * 10 * S, i % 2 == 0 ? 20.2 : 20.0));
            }
            harness.add(temp(310 * S, 21), temp(320 * S, 22), temp(330 * S, 23));
            harness.watermark(400 * S);

            // The earliest start within 60 s of 330 s from which the rise reaches 3 is 270 s
            // (20.0).
            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(270 * S).endedAt(330 * S).events(7))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void aSteadyRiseIsOneAlertThatResolvesWhenTheRiseBreaks() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            for (int i = 1; i <= 11; i++) {
                harness.add(temp(i * 10 * S, 19 + i));
            }
            // 10..40 s qualifies and fires; 50..80 s qualifies again while it fires and extends
            // it; 90..110 s are too few for a third run. 27.0 after 30.0 breaks the rise.
            harness.add(temp(120 * S, 27));
            harness.watermark(400 * S);

            assertOutput(harness.events())
                    .nextAlert(
                            alert().state(AlertState.FIRING)
                                    .startedAt(10 * S)
                                    .endedAt(40 * S)
                                    .events(4))
                    .nextAlert(
                            alert().state(AlertState.RESOLVED)
                                    .startedAt(10 * S)
                                    .endedAt(120 * S)
                                    .events(8))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void reportsTheEarliestStartingRunEvenWhenItCompletesLater() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(WIDE))) {
            // 20 -> 24 qualifies first, but the run from 25 (still open) starts earlier.
            harness.add(temp(10 * S, 25), temp(20 * S, 20), temp(30 * S, 24));
            harness.watermark(30 * S);
            assertOutput(harness.alerts())
                    .as("held back while the run from 10 s is open")
                    .hasNoMoreAlerts();

            harness.add(temp(40 * S, 28.5));
            harness.watermark(40 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(10 * S).endedAt(40 * S).events(4))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void releasesAHeldBackRunWhenTheEarlierRunExpires() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(WIDE))) {
            harness.add(temp(10 * S, 25), temp(20 * S, 20), temp(30 * S, 24));
            harness.watermark(110 * S);
            assertOutput(harness.alerts()).hasNoMoreAlerts();

            harness.watermark(110 * S + 1);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(20 * S).endedAt(30 * S).events(2))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void ordersOutOfOrderReadingsInsideTheBoundByEventTime() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            // In arrival order 23 -> 20 would be a drop that breaks the run.
            harness.add(temp(40 * S, 23), temp(20 * S, 21), temp(10 * S, 20), temp(30 * S, 22));
            harness.watermark(100 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(10 * S).endedAt(40 * S).events(4))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void matchesTheDocumentedSemanticsOnRandomReadings() throws Exception {
        int alerts = 0;
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            boolean falling = random.nextBoolean();
            DriftSpec spec =
                    new DriftSpec(
                            "random-drift",
                            "warning",
                            List.of("m"),
                            2 + random.nextInt(4),
                            Duration.ofSeconds(10 + random.nextInt(50)),
                            0.5 * random.nextInt(3),
                            0.5 * (1 + random.nextInt(6)),
                            falling,
                            TestPatterns.randomAlertSettings(random));
            List<SensorReading> readings =
                    falling
                            ? RandomReadings.walk(random, 80, 12, 20, -3, 2)
                            : RandomReadings.walk(random, 80, 12, 20, -2, 3);
            alerts +=
                    RandomReadings.feedShuffledAndCompare(
                            new DriftPattern(spec),
                            readings,
                            expectedDrifts(spec, readings),
                            random,
                            String.format("seed %d, %s", seed, spec));
        }
        assertThat(alerts).as("the random walks exercise the pattern").isGreaterThan(200);
    }

    /** The procedure in {@link DriftPattern}'s Javadoc, written out plainly. */
    private static LifecycleModel.Expected expectedDrifts(
            DriftSpec spec, List<SensorReading> readings) {
        List<LifecycleModel.Detection> detections = new ArrayList<>();
        double d = spec.falling() ? -1 : 1;
        long within = spec.within().toMillis();
        int from = 0;
        search:
        while (true) {
            for (int s = from; s < readings.size(); s++) {
                for (int e = s + 1; e < readings.size(); e++) {
                    SensorReading start = readings.get(s);
                    SensorReading end = readings.get(e);
                    // Falling is rising upside down: each value is compared after multiplying by d.
                    if (end.timestamp() - start.timestamp() > within
                            || d * end.value()
                                    < d * readings.get(e - 1).value() - spec.tolerance()) {
                        break;
                    }
                    if (e - s + 1 >= spec.minEvents()
                            && d * (end.value() - start.value()) >= spec.minRise()) {
                        detections.add(new LifecycleModel.Detection(s, e, e - s + 1, null));
                        from = e + 1;
                        continue search;
                    }
                }
            }
            break;
        }
        // A drift's alert resolves at a reading that does not keep up with the one before it
        // (or that follows a gap longer than within, after which the key starts afresh).
        boolean[] clear = new boolean[readings.size()];
        for (int i = 0; i < readings.size(); i++) {
            clear[i] =
                    i == 0
                            || readings.get(i).timestamp() - readings.get(i - 1).timestamp()
                                    > within
                            || d * readings.get(i).value()
                                    < d * readings.get(i - 1).value() - spec.tolerance();
        }
        return LifecycleModel.expect(readings, clear, detections, spec.alerting(), spec.falling());
    }

    @Test
    void leavesNoStateForAKeyThatStopsSending() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            harness.add(temp(10 * S, 20), temp(20 * S, 21), temp(30 * S, 22), temp(40 * S, 23));
            harness.add(temp(50 * S, 23), temp(60 * S, 23.5));
            harness.watermark(60 * S);
            assertThat(harness.numKeyedStateEntries()).isPositive();

            // The key's cleanup timer frees its stretch once event time has passed its last
            // reading by within.
            harness.watermark(60 * S + 2 * (60 * S + 1));

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(10 * S).endedAt(40 * S))
                    .hasNoMoreAlerts();
            // Only the alert remains: it fires until a reading shows the rise has ended (a key
            // that never sends again is the silence pattern's to report).
            assertThat(harness.numKeyedStateEntries()).isOne();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aFlatSignalKeepsOneStateValueNotAPartialMatchPerReading() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            // Each reading keeps up and could begin a run for the next 60 s; as a CEP pattern
            // each was a partial match with its own entries in the shared buffer.
            for (int i = 0; i < 600; i++) {
                harness.add(temp(i * 100L, 20));
            }
            harness.watermark(599 * 100L);

            assertOutput(harness.alerts()).hasNoMoreAlerts();
            assertThat(harness.numKeyedStateEntries())
                    .as("the drift's one value and the lifecycle's at most")
                    .isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aLongRunKeepsOneTimerNotOnePerReading() throws Exception {
        try (EngineHarness harness = new EngineHarness(new DriftPattern(DRIFT))) {
            // Every reading could begin a run, and each stays a possible start for the window.
            for (int i = 0; i < 30; i++) {
                harness.add(temp(i * S, 20 + 0.01 * i));
            }
            harness.watermark(29 * S);

            assertOutput(harness.alerts()).hasNoMoreAlerts();
            // The key's cleanup timer; no run is held back, so no expiry timer either.
            assertThat(harness.numEventTimeTimers()).isOne();
        }
    }

    @Test
    void rejectsFewerThanTwoMinEvents() {
        DriftSpec one =
                new DriftSpec(
                        "one",
                        "critical",
                        List.of("temperature"),
                        1,
                        Duration.ofSeconds(60),
                        0.5,
                        3.0);

        assertThatThrownBy(() -> new DriftPattern(one))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'one'")
                .hasMessageContaining("min-events")
                .hasMessageContaining("got 1");
    }

    private static SensorReading temp(long timestamp, double value) {
        return new SensorReading("plant-a", "pump-3", "temperature", timestamp, value, "°C");
    }
}
