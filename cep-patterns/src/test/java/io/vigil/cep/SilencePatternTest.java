package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.AlertState;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SilencePatternTest {

    private static final long S = 1000;
    private static final long AFTER = 60 * S;
    private static final long GRACE = 30 * S;

    private static final SilenceSpec SILENCE =
            new SilenceSpec("sensor-silent", "warning", List.of("*"), Duration.ofMillis(AFTER));

    private EngineHarness harness;

    @BeforeEach
    void openHarness() throws Exception {
        SilencePattern pattern = new SilencePattern(SILENCE, Duration.ofMillis(GRACE));
        harness = new EngineHarness(pattern);
        harness.setProcessingTime(0);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void alertsOnceWhenEventTimePassesTheLastReadingByAfter() throws Exception {
        add(pump(1 * S, 3.5));
        harness.processWatermark(1 * S + AFTER - 1);
        assertOutput(harness.extractOutputValues()).hasNoMoreAlerts();

        harness.processWatermark(1 * S + AFTER);
        harness.processWatermark(10 * AFTER);

        assertOutput(harness.extractOutputValues())
                .nextAlertEquals(
                        new Alert(
                                "sensor-silent",
                                "silence",
                                "warning",
                                "plant-a",
                                "pump-3",
                                "temperature",
                                1 * S,
                                1 * S + AFTER,
                                0,
                                3.5,
                                "no reading for more than 60.0 s, last value 3.5 °C"))
                .hasNoMoreAlerts();
    }

    @Test
    void theEndOfABoundedInputIsNoSilence() throws Exception {
        add(pump(1 * S, 3.5));

        harness.processWatermark(Long.MAX_VALUE);

        assertOutput(harness.extractOutputValues()).hasNoMoreAlerts();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void newerReadingsPostponeTheSilence() throws Exception {
        add(pump(1 * S, 1), pump(30 * S, 2));
        harness.processWatermark(1 * S + AFTER);
        assertOutput(harness.extractOutputValues()).hasNoMoreAlerts();

        harness.processWatermark(30 * S + AFTER);

        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().startedAt(30 * S).endedAt(30 * S + AFTER).peak(2.0))
                .hasNoMoreAlerts();
    }

    @Test
    void anOlderOutOfOrderReadingDoesNotMoveTheSilence() throws Exception {
        add(pump(30 * S, 2), pump(20 * S, 1));

        harness.processWatermark(30 * S + AFTER);

        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().startedAt(30 * S).peak(2.0))
                .hasNoMoreAlerts();
    }

    @Test
    void aReadingAheadOfTheWatermarkDoesNotHideAnEarlierSilence() throws Exception {
        add(pump(1 * S, 1), pump(100 * S, 2));
        harness.processWatermark(99 * S);

        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().startedAt(1 * S).endedAt(1 * S + AFTER))
                .hasNoMoreAlerts();

        harness.processWatermark(100 * S + AFTER);

        assertOutput(harness.events())
                .nextAlert(alert().state(AlertState.FIRING).startedAt(1 * S))
                .nextAlert(alert().state(AlertState.RESOLVED).startedAt(1 * S).endedAt(100 * S))
                .nextAlert(alert().state(AlertState.FIRING).startedAt(100 * S))
                .hasNoMoreAlerts();
        // Only the second alert remains, firing until the key sends again.
        assertThat(harness.numKeyedStateEntries()).isOne();
    }

    @Test
    void aGapOfExactlyAfterIsNoSilence() throws Exception {
        add(pump(1 * S, 1), pump(1 * S + AFTER, 2));

        harness.processWatermark(1 * S + AFTER);

        assertOutput(harness.extractOutputValues()).hasNoMoreAlerts();
    }

    @Test
    void alertsForASilentKeyWhileOtherKeysKeepSending() throws Exception {
        add(pump(1 * S, 1), mic(1 * S, 50));
        for (long t = 10 * S; t <= 200 * S; t += 10 * S) {
            add(mic(t, 50));
            harness.processWatermark(t);
        }

        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().device("pump-3").startedAt(1 * S))
                .hasNoMoreAlerts();
    }

    @Test
    void eachSilentPeriodGivesOneAlert() throws Exception {
        add(pump(1 * S, 1));
        harness.processWatermark(100 * S);
        add(pump(150 * S, 2));
        harness.processWatermark(150 * S + AFTER);

        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().startedAt(1 * S))
                .nextAlert(alert().startedAt(150 * S))
                .hasNoMoreAlerts();
    }

    @Test
    void fallsBackToProcessingTimeWhenEventTimeStalls() throws Exception {
        harness.setProcessingTime(1_000);
        add(pump(1 * S, 1), mic(1 * S, 50));
        harness.setProcessingTime(5_000);
        add(mic(2 * S, 50));
        // No watermark at all: every source has gone quiet.

        harness.setProcessingTime(1_000 + AFTER + GRACE - 1);
        assertOutput(harness.extractOutputValues()).hasNoMoreAlerts();

        harness.setProcessingTime(1_000 + AFTER + GRACE);
        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().device("pump-3").startedAt(1 * S).endedAt(1 * S + AFTER))
                .hasNoMoreAlerts();

        harness.setProcessingTime(5_000 + AFTER + GRACE);
        harness.processWatermark(10 * AFTER);

        assertOutput(harness.extractOutputValues())
                .as("the event-time path does not alert again for the same period")
                .nextAlert(alert().device("pump-3"))
                .nextAlert(alert().device("mic-08"))
                .hasNoMoreAlerts();
        // Only the two alerts remain, firing until their keys send again.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aReplayBehindTheWallClockIsJudgedByEventTimeAlone() throws Exception {
        harness.setProcessingTime(1_000);
        add(pump(1 * S, 1), mic(1 * S, 50));
        // The backlog comes slower than real time: the pump's next reading is three wall-clock
        // minutes away, but event time keeps moving (the microphone), so nothing is silent yet.
        long wall = 1_000;
        for (long t = 2 * S; t <= 50 * S; t += S) {
            wall += 4 * S;
            harness.setProcessingTime(wall);
            add(mic(t, 50));
            harness.processWatermark(t - 1);
        }
        assertThat(wall).isGreaterThan(1_000 + AFTER + GRACE);
        add(pump(50 * S, 2));
        harness.processWatermark(50 * S);
        assertOutput(harness.extractOutputValues()).as("no wall-clock alert").hasNoMoreAlerts();

        // Then event time stalls: the fallback alerts once it has for the grace.
        harness.setProcessingTime(wall + AFTER + GRACE);
        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().device("pump-3").startedAt(50 * S))
                .nextAlert(alert().device("mic-08").startedAt(50 * S))
                .hasNoMoreAlerts();
    }

    @Test
    void keysHoldNoWallClockTimerWhileEventTimeMoves() throws Exception {
        long wall = 1_000;
        for (long t = 1 * S; t <= 200 * S; t += S) {
            wall += S;
            harness.setProcessingTime(wall);
            add(pump(t, 1), mic(t, 50));
            harness.processWatermark(t - 1);
        }
        assertThat(harness.numProcessingTimeTimers())
                .as("no per-key wall-clock timer while the watermark moves")
                .isZero();

        // Event time stalls: only now does each key get its fallback timer, and it alerts.
        harness.setProcessingTime(wall + GRACE);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);
        harness.setProcessingTime(wall + AFTER + GRACE);
        assertOutput(harness.extractOutputValues())
                .hasRemainingAlertsInAnyOrder(
                        List.of(
                                alert().device("pump-3").startedAt(200 * S),
                                alert().device("mic-08").startedAt(200 * S)));
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aKeyArrivingDuringAStallGetsItsFallbackAsItArrives() throws Exception {
        harness.setProcessingTime(1_000);
        add(pump(1 * S, 1));
        harness.processWatermark(1);
        harness.setProcessingTime(1_000 + GRACE);
        add(mic(2 * S, 50));

        harness.setProcessingTime(1_000 + GRACE + AFTER + GRACE);

        assertOutput(harness.extractOutputValues())
                .hasRemainingAlertsInAnyOrder(
                        List.of(
                                alert().device("pump-3").startedAt(1 * S),
                                alert().device("mic-08").startedAt(2 * S)));
    }

    @Test
    void arrivingReadingsPostponeTheProcessingTimeFallback() throws Exception {
        harness.setProcessingTime(1_000);
        add(pump(1 * S, 1));
        harness.setProcessingTime(50_000);
        add(pump(2 * S, 2));

        harness.setProcessingTime(1_000 + AFTER + GRACE);
        assertOutput(harness.extractOutputValues()).hasNoMoreAlerts();

        harness.setProcessingTime(50_000 + AFTER + GRACE);
        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().startedAt(2 * S))
                .hasNoMoreAlerts();
    }

    @Test
    void keepsOnlyTheFiringAlertOfASilentKey() throws Exception {
        add(pump(1 * S, 1), mic(1 * S, 50));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processWatermark(1 * S + AFTER);

        assertOutput(harness.extractOutputValues())
                .hasRemainingAlertsInAnyOrder(
                        List.of(
                                alert().device("pump-3").startedAt(1 * S),
                                alert().device("mic-08").startedAt(1 * S)));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void alertsForEveryGapLongerThanAfterOnShuffledRandomReadings() throws Exception {
        Random random = new Random(42);
        List<SensorReading> readings = RandomReadings.walk(random, 300, 90, 20, -1, 1);
        List<Long> arrival = new ArrayList<>();
        for (SensorReading reading : readings) {
            arrival.add(reading.timestamp() + (long) (random.nextDouble() * 5 * S));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(arrival::get));
        long latest = Long.MIN_VALUE;
        for (int i : order) {
            add(readings.get(i));
            latest = Math.max(latest, readings.get(i).timestamp());
            harness.processWatermark(latest - 5 * S - 1);
        }
        harness.processWatermark(Long.MAX_VALUE);

        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            long timestamp = readings.get(i).timestamp();
            // The last reading is followed by the end of the input, which is no silence.
            if (i < readings.size() - 1 && readings.get(i + 1).timestamp() - timestamp > AFTER) {
                expected.add(timestamp);
            }
        }
        assertThat(expected).hasSizeGreaterThan(50);
        assertOutput(harness.extractOutputValues())
                .nextAlerts(expected.stream().map(t -> alert().startedAt(t)).toList())
                .hasNoMoreAlerts();
        // Each silent period resolves at the key's next reading.
        List<Long> resolvedAt = new ArrayList<>();
        for (long start : expected) {
            resolvedAt.add(
                    readings.stream()
                            .mapToLong(SensorReading::timestamp)
                            .filter(t -> t > start)
                            .min()
                            .orElseThrow());
        }
        assertOutput(harness.resolved())
                .nextAlerts(resolvedAt.stream().map(t -> alert().endedAt(t)).toList())
                .hasNoMoreAlerts();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aLateReadingAfterTheAlertStartsNothing() throws Exception {
        add(pump(1 * S, 1));
        harness.processWatermark(1 * S + AFTER);
        add(pump(30 * S, 2));

        harness.setProcessingTime(10 * (AFTER + GRACE));
        harness.processWatermark(10 * AFTER);

        assertOutput(harness.extractOutputValues())
                .nextAlert(alert().startedAt(1 * S))
                .hasNoMoreAlerts();
        // Only the alert remains, still firing: a late reading is a dead letter, not a sign of
        // life.
        assertThat(harness.resolved()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isOne();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void rejectsANonPositiveAfter() {
        SilenceSpec zero = new SilenceSpec("zero", "warning", List.of("*"), Duration.ZERO);

        assertThatThrownBy(() -> new SilencePattern(zero))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'zero'")
                .hasMessageContaining("after must be positive");
    }

    private void add(SensorReading... readings) throws Exception {
        for (SensorReading reading : readings) {
            harness.processElement(reading, reading.timestamp());
        }
    }

    private static SensorReading pump(long timestamp, double value) {
        return new SensorReading("plant-a", "pump-3", "temperature", timestamp, value, "°C");
    }

    private static SensorReading mic(long timestamp, double value) {
        return new SensorReading("plant-a", "mic-08", "sound", timestamp, value, "dB");
    }
}
