package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.cep.AlertAsserter.ExpectedAlert;
import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SequenceSpec.Contiguity;
import io.vigil.cep.config.SequenceSpec.Step;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SequencePatternTest {

    private static final long S = 1000;

    /** Temperature above 80, then 3 sound readings in a row above 85, within 5 minutes. */
    private static final SequenceSpec HOT_THEN_LOUD = TestPatterns.HOT_THEN_LOUD;

    @Test
    void alertsWhenTheStepsFollowEachOtherOnOneDevice() throws Exception {
        try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(HOT_THEN_LOUD))) {
            harness.add(temperature(0, 79), temperature(10 * S, 81.5), sound(11 * S, 70));
            harness.add(sound(60 * S, 86), temperature(61 * S, 82), sound(62 * S, 90));
            harness.add(sound(63 * S, 88), sound(64 * S, 70));
            harness.watermark(62 * S);
            assertOutput(harness.alerts()).as("two of three loud readings").hasNoMoreAlerts();

            harness.watermark(63 * S);

            assertOutput(harness.alerts())
                    .nextAlertEquals(
                            new Alert(
                                    "hot-then-loud",
                                    "sequence",
                                    "critical",
                                    "plant-a",
                                    "press-4",
                                    "sound",
                                    10 * S,
                                    63 * S,
                                    4,
                                    90.0,
                                    "temperature above 80.0, then 3 sound readings above 85.0:"
                                            + " 4 readings over 53.0 s, peak 90.0 dB"))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void aReadingOfTheStepsMetricThatFailsItsConditionBreaksTheRun() throws Exception {
        try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(HOT_THEN_LOUD))) {
            harness.add(temperature(1 * S, 90), sound(2 * S, 90), sound(3 * S, 90));
            harness.add(sound(4 * S, 85), sound(5 * S, 90), sound(6 * S, 90));
            harness.watermark(100 * S);
            assertOutput(harness.alerts()).as("85 is not above 85").hasNoMoreAlerts();

            harness.add(sound(101 * S, 91));
            harness.watermark(200 * S);
            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S).endedAt(101 * S).peak(91.0))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void theWholeMatchLiesWithinWithin() throws Exception {
        try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(HOT_THEN_LOUD))) {
            harness.add(temperature(0, 90), sound(298 * S, 90), sound(299 * S, 90));
            harness.add(sound(300 * S + 1, 90));
            harness.add(temperature(400 * S, 90), sound(698 * S, 90), sound(699 * S, 90));
            harness.add(sound(700 * S, 90));
            harness.watermark(Long.MAX_VALUE);

            assertOutput(harness.alerts())
                    .as("5 min and 1 ms is too long; exactly 5 min is not")
                    .nextAlert(alert().startedAt(400 * S).endedAt(700 * S))
                    .hasNoMoreAlerts();
            // Only the alert remains: no sound reading at or below 85 dB has cleared it.
            assertThat(harness.numKeyedStateEntries()).isOne();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void matchingStartsAfreshAfterTheLastReadingOfAMatch() throws Exception {
        try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(HOT_THEN_LOUD))) {
            harness.add(temperature(1 * S, 90), temperature(2 * S, 91));
            harness.add(sound(3 * S, 90), sound(4 * S, 90), sound(5 * S, 90));
            harness.add(sound(6 * S, 90), sound(7 * S, 90), sound(8 * S, 90));
            // A quiet sound reading clears the first alert.
            harness.add(sound(8 * S + 500, 70));
            harness.add(temperature(9 * S, 92), sound(10 * S, 90), sound(11 * S, 90));
            harness.add(sound(12 * S, 95));
            harness.watermark(Long.MAX_VALUE);

            assertOutput(harness.alerts())
                    .as("the earliest start wins; the second burst has no hot reading before it")
                    .nextAlert(alert().startedAt(1 * S).endedAt(5 * S))
                    .nextAlert(alert().startedAt(9 * S).endedAt(12 * S).peak(95.0))
                    .hasNoMoreAlerts();
            assertOutput(harness.resolved())
                    .nextAlert(alert().startedAt(1 * S).endedAt(8 * S + 500))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void nextStepIsTheFirstReadingsOfItsMetricAfterTheStepBefore() throws Exception {
        // A sudden drop: temperature above 80, and the very next temperature reading below 60.
        SequenceSpec drop =
                new SequenceSpec(
                        "drop",
                        "warning",
                        Duration.ofMinutes(1),
                        List.of(
                                new Step("temperature", true, 80, 1, Contiguity.FOLLOWED_BY),
                                new Step("temperature", false, 60, 1, Contiguity.NEXT)));
        try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(drop))) {
            harness.add(temperature(1 * S, 85), sound(2 * S, 50), temperature(3 * S, 70));
            harness.add(temperature(4 * S, 55));
            harness.add(temperature(10 * S, 85), sound(11 * S, 50), temperature(12 * S, 55));
            harness.watermark(Long.MAX_VALUE);

            assertOutput(harness.alerts())
                    .as("70 came between 85 and 55 the first time; a sound reading does not count")
                    .nextAlert(alert().startedAt(10 * S).endedAt(12 * S).events(2).peak(55.0))
                    .hasNoMoreAlerts();
            assertThat(harness.alerts().get(0).message())
                    .startsWith("temperature above 80.0, then next temperature below 60.0: ");
        }
    }

    @Test
    void thePeakOfABelowLastStepIsItsLowestValue() throws Exception {
        // Hot, then the pressure dropping: the alert's peak is the lowest pressure, as for a burst
        // below its threshold, also when a second match is absorbed by the alert still firing.
        SequenceSpec hotThenDrop =
                new SequenceSpec(
                        "hot-then-drop",
                        "warning",
                        Duration.ofMinutes(1),
                        List.of(
                                new Step("temperature", true, 80, 1, Contiguity.FOLLOWED_BY),
                                new Step("pressure", false, 2, 2, Contiguity.FOLLOWED_BY)));
        try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(hotThenDrop))) {
            harness.add(temperature(1 * S, 85), pressure(2 * S, 1.5), pressure(3 * S, 1.0));
            harness.add(temperature(4 * S, 90), pressure(5 * S, 0.5), pressure(6 * S, 1.2));
            harness.add(pressure(7 * S, 3));
            harness.watermark(Long.MAX_VALUE);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S).endedAt(3 * S).events(3).peak(1.0))
                    .hasNoMoreAlerts();
            assertOutput(harness.resolved())
                    .nextAlert(alert().startedAt(1 * S).endedAt(7 * S).events(6).peak(0.5))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void devicesAreIndependent() throws Exception {
        try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(HOT_THEN_LOUD))) {
            harness.add(temperature(1 * S, 90), sound("press-5", 2 * S, 90));
            harness.add(sound("press-5", 3 * S, 90), sound("press-5", 4 * S, 90));
            harness.watermark(Long.MAX_VALUE);

            assertOutput(harness.alerts()).hasNoMoreAlerts();
        }
    }

    @Test
    void matchesTheDocumentedSemanticsOnRandomReadings() throws Exception {
        int alerts = 0;
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(seed);
            SequenceSpec spec = randomSpec(random);
            List<SensorReading> readings = new ArrayList<>();
            for (String device : List.of("d1", "d2", "d3")) {
                for (String metric : List.of("a", "b", "c")) {
                    for (SensorReading r : RandomReadings.noise(random, 40, 4, 0, 20)) {
                        readings.add(
                                new SensorReading(
                                        "plant-a", device, metric, r.timestamp(), r.value(), null));
                    }
                }
            }
            readings.sort(Comparator.comparingLong(SensorReading::timestamp));
            try (EngineHarness harness = EngineHarness.perDevice(new SequencePattern(spec))) {
                RandomReadings.feedShuffled(harness, readings, 5 * S, random);

                List<ExpectedAlert> expected = new ArrayList<>();
                List<ExpectedAlert> resolved = new ArrayList<>();
                for (String device : List.of("d1", "d2", "d3")) {
                    LifecycleModel.Expected lifecycle = expectedMatches(spec, device, readings);
                    expected.addAll(lifecycle.firing());
                    resolved.addAll(lifecycle.resolved());
                }
                assertOutput(harness.alerts())
                        .as("seed %d, %s", seed, spec)
                        .hasRemainingAlertsInAnyOrder(expected);
                assertOutput(harness.resolved())
                        .as("seed %d, %s: resolved", seed, spec)
                        .hasRemainingAlertsInAnyOrder(resolved);
                // What remains is the state of the alerts still firing at the end.
                assertThat(harness.numKeyedStateEntries())
                        .as("seed %d", seed)
                        .isEqualTo(expected.size() - resolved.size());
                alerts += harness.alerts().size();
            }
        }
        assertThat(alerts).as("the random readings exercise the pattern").isGreaterThan(150);
    }

    private static SequenceSpec randomSpec(Random random) {
        List<Step> steps = new ArrayList<>();
        int count = 2 + random.nextInt(2);
        for (int i = 0; i < count; i++) {
            steps.add(
                    new Step(
                            List.of("a", "b", "c").get(random.nextInt(3)),
                            random.nextBoolean(),
                            5 + 0.5 * (random.nextInt(9) - 4),
                            1 + random.nextInt(3),
                            i > 0 && random.nextInt(3) == 0
                                    ? Contiguity.NEXT
                                    : Contiguity.FOLLOWED_BY));
        }
        return new SequenceSpec(
                "random-sequence", "warning", Duration.ofSeconds(5 + random.nextInt(40)), steps);
    }

    /** A run of a step: readings {@code first..last} of the device's order, and their peak. */
    private record Run(int first, int last, double peak) {}

    /**
     * The rules in {@link SequencePattern}'s Javadoc, written out plainly for one device, and the
     * alert lifecycle over them (default settings: a reading of the last step's metric that does
     * not meet its condition clears the alert).
     */
    private static LifecycleModel.Expected expectedMatches(
            SequenceSpec spec, String device, List<SensorReading> all) {
        // The device's readings of the steps' metrics, in event-time order, then metric name.
        List<SensorReading> readings =
                all.stream()
                        .filter(r -> r.device().equals(device) && spec.appliesTo(r.metric()))
                        .sorted(
                                Comparator.comparingLong(SensorReading::timestamp)
                                        .thenComparing(SensorReading::metric))
                        .toList();
        List<Step> steps = spec.steps();
        List<LifecycleModel.Detection> detections = new ArrayList<>();
        int restart = -1;
        for (int start = 0; start < readings.size(); start++) {
            Run firstRun = runEndingAt(steps.get(0), readings, start);
            if (firstRun == null || firstRun.first() <= restart) {
                continue;
            }
            Run run = firstRun;
            for (int i = 1; i < steps.size() && run != null; i++) {
                run = nextRun(steps.get(i), readings, run.last());
            }
            if (run == null
                    || readings.get(run.last()).timestamp()
                                    - readings.get(firstRun.first()).timestamp()
                            > spec.within().toMillis()) {
                continue;
            }
            detections.add(
                    new LifecycleModel.Detection(
                            firstRun.first(),
                            run.last(),
                            steps.stream().mapToInt(Step::minEvents).sum(),
                            run.peak()));
            restart = run.last();
        }
        Step last = steps.get(steps.size() - 1);
        boolean[] clear = new boolean[readings.size()];
        for (int i = 0; i < readings.size(); i++) {
            clear[i] =
                    readings.get(i).metric().equals(last.metric())
                            && !last.accepts(readings.get(i).value());
        }
        return LifecycleModel.expect(readings, clear, detections, spec.alerting(), !last.above());
    }

    /** The step's run whose last reading is {@code end}, or null. */
    private static Run runEndingAt(Step step, List<SensorReading> readings, int end) {
        if (!readings.get(end).metric().equals(step.metric())) {
            return null;
        }
        int count = 0;
        // The largest value of the run, the lowest of a run below the step's threshold.
        double peak = step.above() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        int first = end;
        for (int i = end; i >= 0 && count < step.minEvents(); i--) {
            SensorReading r = readings.get(i);
            if (!r.metric().equals(step.metric())) {
                continue;
            }
            if (!step.accepts(r.value())) {
                return null;
            }
            count++;
            peak = step.above() ? Math.max(peak, r.value()) : Math.min(peak, r.value());
            first = i;
        }
        return count == step.minEvents() ? new Run(first, end, peak) : null;
    }

    /** The earliest run of {@code step} that begins after {@code after}, as its contiguity says. */
    private static Run nextRun(Step step, List<SensorReading> readings, int after) {
        for (int end = after + 1; end < readings.size(); end++) {
            Run run = runEndingAt(step, readings, end);
            if (run != null && run.first() > after) {
                return run;
            }
            if (step.contiguity() == Contiguity.NEXT
                    && readings.get(end).metric().equals(step.metric())
                    && !step.accepts(readings.get(end).value())) {
                return null;
            }
        }
        return null;
    }

    @Test
    void rejectsASpecWithOneStep() {
        SequenceSpec one =
                new SequenceSpec(
                        "one",
                        "warning",
                        Duration.ofMinutes(1),
                        HOT_THEN_LOUD.steps().subList(0, 1));

        assertThatThrownBy(() -> new SequencePattern(one))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'one' needs at least two steps, got 1");
    }

    private static SensorReading temperature(long timestamp, double value) {
        return new SensorReading("plant-a", "press-4", "temperature", timestamp, value, "C");
    }

    private static SensorReading pressure(long timestamp, double value) {
        return new SensorReading("plant-a", "press-4", "pressure", timestamp, value, "bar");
    }

    private static SensorReading sound(long timestamp, double value) {
        return sound("press-4", timestamp, value);
    }

    private static SensorReading sound(String device, long timestamp, double value) {
        return new SensorReading("plant-a", device, "sound", timestamp, value, "dB");
    }
}
