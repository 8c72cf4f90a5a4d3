package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pattern with overrides in the engine: each key judged by the values that apply to it. */
class PatternOverridesTest {

    private static final long S = 1000;

    private static final String LOUD =
            """
            patterns:
              - name: loud
                type: burst
                metrics: [sound]
                threshold: 85
                min-events: 2
                within: 10s
                overrides:
                  - site: plant-b
                    device: "mic-0*"
                    threshold: 90
                  - device: "mic-0*"
                    threshold: 95
                    severity: critical
            """;

    @TempDir Path dir;

    @Test
    void eachKeyIsJudgedByTheMostSpecificOverrideThatMatchesIt() throws Exception {
        PatternConfig config = TestPatterns.load(dir, LOUD);
        List<PatternProgram> programs = AlertPatterns.programs(config, new Configuration());
        try (EngineHarness harness = new EngineHarness(programs, List.of())) {
            // 88 dB twice at every microphone: only above the pattern's own 85 dB.
            // 92 dB twice: above plant-b's 90 dB, but not the other mic-0*'s 95 dB.
            for (String key : List.of("plant-a/mic-01", "plant-a/mic-11", "plant-b/mic-01")) {
                String[] level = key.split("/");
                harness.add(
                        sound(level[0], level[1], 1, 88),
                        sound(level[0], level[1], 2, 88),
                        sound(level[0], level[1], 3, 70),
                        sound(level[0], level[1], 4, 92),
                        sound(level[0], level[1], 5, 92),
                        sound(level[0], level[1], 6, 70));
            }
            harness.watermark(20 * S);

            assertOutput(harness.alerts())
                    .hasRemainingAlertsInAnyOrder(
                            List.of(
                                    alert().device("mic-11").severity("warning").startedAt(1 * S),
                                    alert().device("mic-11").severity("warning").startedAt(4 * S),
                                    alert().device("mic-01").severity("warning").startedAt(4 * S)));
            assertThat(harness.alerts())
                    .extracting(Alert::pattern, Alert::site)
                    .containsOnly(tuple("loud", "plant-a"), tuple("loud", "plant-b"));
            assertThat(harness.alerts())
                    .filteredOn(a -> a.device().equals("mic-01"))
                    .extracting(Alert::site)
                    .containsExactly("plant-b");
        }
    }

    @Test
    void eachKeyIsWatchedByExactlyOneVariant() throws Exception {
        List<PatternProgram> programs =
                AlertPatterns.programs(TestPatterns.load(dir, LOUD), new Configuration());

        assertThat(programs)
                .extracting(PatternProgram::name)
                .containsExactly(
                        "loud", "loud[site plant-b, device mic-0*]", "loud[device mic-0*]");
        for (SensorReading reading :
                List.of(
                        sound("plant-b", "mic-01", 1, 0),
                        sound("plant-a", "mic-01", 1, 0),
                        sound("plant-b", "mic-11", 1, 0))) {
            assertThat(programs.stream().filter(p -> p.watches(reading)))
                    .as("the variants watching %s", reading.key())
                    .hasSize(1);
        }
    }

    @Test
    void anOverrideCanTurnARisingDriftIntoAFallingOneForSomeDevices() throws Exception {
        PatternConfig config =
                TestPatterns.load(
                        dir,
                        """
                        patterns:
                          - name: pressure
                            type: drift
                            metrics: [pressure]
                            min-events: 3
                            within: 1m
                            min-rise: 2
                            overrides:
                              - device: "tank-*"
                                direction: falling
                                min-fall: 2
                        """);
        try (EngineHarness harness =
                new EngineHarness(AlertPatterns.programs(config, new Configuration()), List.of())) {
            for (String device : List.of("tank-1", "pump-1")) {
                harness.add(
                        pressure(device, 1, 10), pressure(device, 2, 9), pressure(device, 3, 7));
            }
            for (String device : List.of("tank-2", "pump-2")) {
                harness.add(
                        pressure(device, 1, 7), pressure(device, 2, 9), pressure(device, 3, 10));
            }
            harness.watermark(2 * 60 * S);

            assertThat(harness.alerts())
                    .as("the tanks alert when pressure falls, the pumps when it rises")
                    .extracting(Alert::pattern, Alert::device)
                    .containsExactlyInAnyOrder(
                            tuple("pressure", "tank-1"), tuple("pressure", "pump-2"));
        }
    }

    private static SensorReading pressure(String device, long second, double value) {
        return new SensorReading("plant-a", device, "pressure", second * S, value, "bar");
    }

    private static SensorReading sound(String site, String device, long second, double value) {
        return new SensorReading(site, device, "sound", second * S, value, "dB");
    }
}
