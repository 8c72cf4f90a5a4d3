package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.AlertSettings;
import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.model.AlertState;
import io.vigil.model.SensorReading;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The alert lifecycle on a burst with the settings the reference-model tests leave out: a clear
 * level (hysteresis), reminders, escalation and the cooldown, against events worked out by hand.
 */
class AlertLifecycleTest {

    private static final long S = 1000;

    @Test
    void withHysteresisAnAlertFiresOnceUntilReadingsStayBelowTheClearLevelForClearFor()
            throws Exception {
        // Fire above 85 dB, clear at or below 80 dB for 30 s.
        BurstSpec spec =
                burst(80.0, new AlertSettings(seconds(30), Duration.ZERO, null, null, null));
        try (EngineHarness harness = new EngineHarness(new BurstPattern(spec))) {
            harness.add(sound(1, 90), sound(2, 90), sound(3, 90), sound(4, 83));
            // 83 dB ended the burst but is not clear; the second burst extends the alert.
            harness.add(sound(5, 91), sound(6, 90), sound(7, 90), sound(8, 79));
            // Clear from 8 s; 82 dB at 15 s starts the count again; clear from 16 s for 30 s.
            harness.add(sound(15, 82), sound(16, 79), sound(30, 78), sound(45, 79), sound(46, 70));
            harness.watermark(100 * S);

            assertOutput(harness.events())
                    .nextAlert(
                            alert().state(AlertState.FIRING)
                                    .startedAt(1 * S)
                                    .endedAt(3 * S)
                                    .events(3)
                                    .peak(90))
                    .nextAlert(
                            alert().state(AlertState.RESOLVED)
                                    .startedAt(1 * S)
                                    .endedAt(46 * S)
                                    .events(6)
                                    .peak(91))
                    .hasNoMoreAlerts();
            assertThat(harness.events().get(0).id()).isEqualTo(harness.events().get(1).id());
            assertThat(harness.events().get(1).message()).startsWith("resolved after 45.0 s: ");
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void remindsWhileFiringAndEscalatesOnceItHasLastedEscalateAfter() throws Exception {
        BurstSpec spec =
                burst(
                        80.0,
                        new AlertSettings(
                                Duration.ZERO,
                                Duration.ZERO,
                                seconds(10),
                                seconds(20),
                                "critical"));
        try (EngineHarness harness = new EngineHarness(new BurstPattern(spec))) {
            harness.add(sound(1, 90), sound(2, 90), sound(3, 90));
            for (int t = 4; t <= 40; t += 4) {
                harness.add(sound(t, 83));
            }
            harness.add(sound(41, 70));
            harness.watermark(100 * S);

            // Fired at 4 s (the reading that ended the burst): reminders at 14, 24 and 34 s; the
            // escalation 20 s after the start, at 21 s; resolved at 41 s.
            assertOutput(harness.events())
                    .nextAlerts(
                            List.of(
                                    firing("warning", 1),
                                    firing("warning", 1),
                                    firing("critical", 1),
                                    firing("critical", 1),
                                    firing("critical", 1),
                                    alert().state(AlertState.RESOLVED)
                                            .severity("critical")
                                            .startedAt(1 * S)
                                            .endedAt(41 * S)))
                    .hasNoMoreAlerts();
            assertThat(harness.events())
                    .extracting(a -> a.message().substring(0, 12))
                    .containsExactly(
                            "3 readings a",
                            "still firing",
                            "escalated to",
                            "still firing",
                            "still firing",
                            "resolved aft");
            assertThat(harness.events())
                    .extracting(a -> a.id())
                    .containsOnly(harness.events().get(0).id());
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anAlertOlderThanEscalateAfterWhenItFiresFiresEscalated() throws Exception {
        BurstSpec spec =
                burst(
                        null,
                        new AlertSettings(
                                Duration.ZERO, Duration.ZERO, null, seconds(2), "critical"));
        try (EngineHarness harness = new EngineHarness(new BurstPattern(spec))) {
            harness.add(sound(1, 90), sound(2, 90), sound(3, 90), sound(4, 70));
            harness.watermark(100 * S);

            assertOutput(harness.events())
                    .nextAlert(alert().state(AlertState.FIRING).severity("critical"))
                    .nextAlert(alert().state(AlertState.RESOLVED).severity("critical"))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void noNewAlertStartsWithinTheCooldownAfterOneResolved() throws Exception {
        BurstSpec spec =
                burst(null, new AlertSettings(Duration.ZERO, seconds(60), null, null, null));
        try (EngineHarness harness = new EngineHarness(new BurstPattern(spec))) {
            harness.add(sound(1, 90), sound(2, 90), sound(3, 90), sound(4, 70));
            // Resolved at 4 s: the bursts starting at 10 s and 63 s (before 64 s) raise nothing,
            // the one at 90 s fires.
            harness.add(sound(10, 90), sound(11, 90), sound(12, 90), sound(13, 70));
            harness.add(sound(63, 90), sound(64, 90), sound(65, 90), sound(66, 90), sound(67, 70));
            harness.add(sound(90, 90), sound(91, 90), sound(92, 90), sound(93, 70));
            harness.watermark(300 * S);

            assertOutput(harness.alerts())
                    .nextAlert(alert().startedAt(1 * S))
                    .nextAlert(alert().startedAt(90 * S))
                    .hasNoMoreAlerts();
            assertThat(harness.resolved()).hasSize(2);
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aLevelBelowAThresholdFiresAndResolvesAtTheClearLevelAbove() throws Exception {
        PatternConfig config = PatternConfigLoader.load(Path.of("patterns/examples/fuel-low.yaml"));
        BurstSpec fuel = (BurstSpec) config.patterns().get(0);
        try (EngineHarness harness = new EngineHarness(new BurstPattern(fuel))) {
            // 9, 8, 7.5 % (below 10 for 3 readings), 12 % (not below, not yet clear), 20 %.
            harness.add(fuel(60, 11), fuel(120, 9), fuel(180, 8), fuel(240, 7.5), fuel(300, 12));
            harness.add(fuel(360, 9.5), fuel(420, 20));
            harness.watermark(3600 * S);

            assertOutput(harness.events())
                    .nextAlert(
                            alert().state(AlertState.FIRING)
                                    .startedAt(120 * S)
                                    .endedAt(240 * S)
                                    .events(3)
                                    .peak(7.5))
                    .nextAlert(
                            alert().state(AlertState.RESOLVED)
                                    .startedAt(120 * S)
                                    .endedAt(420 * S)
                                    .events(3)
                                    .peak(7.5))
                    .hasNoMoreAlerts();
            assertThat(harness.events().get(0).message())
                    .isEqualTo("3 readings below 10.0 % over 120.0 s, lowest 7.5");
        }
    }

    private static SensorReading fuel(long seconds, double percent) {
        return new SensorReading("depot-1", "tank-4", "fuel-level", seconds * S, percent, "%");
    }

    private static BurstSpec burst(Double clearLevel, AlertSettings settings) {
        return new BurstSpec(
                "loud",
                "warning",
                List.of("sound"),
                85.0,
                null,
                3,
                Duration.ofSeconds(10),
                false,
                clearLevel,
                settings);
    }

    private static AlertAsserter.ExpectedAlert firing(String severity, long startedAtSeconds) {
        return alert().state(AlertState.FIRING)
                .severity(severity)
                .startedAt(startedAtSeconds * S)
                .endedAt(3 * S);
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    private static SensorReading sound(long seconds, double value) {
        return new SensorReading("plant-a", "mic-07", "sound", seconds * S, value, "dB");
    }
}
