package io.vigil.cep.config;

import static io.vigil.cep.config.LoadFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bursts and drifts in both directions, as the example files and mistakes give them. */
class DirectionsLoaderTest {

    @TempDir Path dir;

    @Test
    void theExampleFilesLoadWithTheirDirections() {
        PatternConfig config =
                PatternConfigLoader.load(
                        Path.of("patterns/examples/fuel-low.yaml"),
                        Path.of("patterns/examples/pressure-leak.yaml"));

        BurstSpec fuel = (BurstSpec) config.patterns().get(0);
        assertThat(fuel.below()).isTrue();
        assertThat(fuel.threshold()).isEqualTo(10.0);
        assertThat(fuel.clearLevel()).isEqualTo(15.0);
        BurstSpec pressure = (BurstSpec) config.patterns().get(1);
        assertThat(pressure.below()).isTrue();
        assertThat(pressure.baselineMargin()).isEqualTo(0.5);
        DriftSpec leak = (DriftSpec) config.patterns().get(2);
        assertThat(leak.falling()).isTrue();
        assertThat(leak.minRise()).isEqualTo(0.8);
    }

    @Test
    void aboveIsTheSameAsThreshold() {
        PatternConfig config =
                PatternConfigLoader.load(
                        write(
                                """
                                patterns:
                                  - name: loud
                                    type: burst
                                    metrics: [sound]
                                    above: 85
                                    min-events: 3
                                    within: 10s
                                """));

        BurstSpec loud = (BurstSpec) config.patterns().get(0);
        assertThat(loud.below()).isFalse();
        assertThat(loud.threshold()).isEqualTo(85.0);
    }

    @Test
    void reportsMistakesOfDirection() {
        Path file =
                write(
                        """
                        patterns:
                          - name: a
                            type: burst
                            metrics: [fuel]
                            below: 10
                            above: 90
                            min-events: 3
                            within: 10m
                          - name: b
                            type: burst
                            metrics: [fuel]
                            below: 10
                            clear-level: 5
                            min-events: 3
                            within: 10m
                          - name: c
                            type: drift
                            direction: falling
                            metrics: [pressure]
                            min-events: 3
                            within: 10m
                            min-rise: 1
                          - name: d
                            type: drift
                            direction: down
                            metrics: [pressure]
                            min-events: 3
                            within: 10m
                            min-rise: 1
                        """);

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(ConfigError::pattern, ConfigError::field, ConfigError::message)
                .containsExactly(
                        tuple(
                                "a",
                                "below",
                                "give one of 'threshold' (or 'above'), 'below', 'above-baseline',"
                                        + " 'below-baseline', not both 'above' and 'below' (line"
                                        + " 5)"),
                        tuple(
                                "b",
                                "clear-level",
                                "must be at or above 'below' (the alert resolves when a reading"
                                        + " comes back to it), found 5 (line 13)"),
                        tuple(
                                "c",
                                "min-rise",
                                "a falling drift takes 'min-fall', not 'min-rise' (line 22)"),
                        tuple(
                                "d",
                                "direction",
                                "must be 'rising' or 'falling', found \"down\" (line 25)"));
    }

    private Path write(String yaml) {
        try {
            return Files.writeString(dir.resolve("patterns.yaml"), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
