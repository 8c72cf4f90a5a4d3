package io.vigil.cep.config;

import static io.vigil.cep.config.LoadFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert lifecycle fields every pattern has, and a burst's clear level, as files give them. */
class AlertSettingsLoaderTest {

    @TempDir Path dir;

    @Test
    void readsTheLifecycleFieldsOfAnyPattern() {
        PatternConfig config =
                PatternConfigLoader.load(
                        write(
                                """
                                patterns:
                                  - name: loud
                                    type: burst
                                    metrics: [sound]
                                    threshold: 85
                                    clear-level: 80
                                    min-events: 3
                                    within: 10s
                                    clear-for: 30s
                                    cooldown: 5m
                                    repeat-after: 10m
                                    escalate-after: 1h
                                    escalate-to: critical
                                  - name: quiet
                                    type: silence
                                    metrics: ["*"]
                                    after: 2m
                                """));

        BurstSpec loud = (BurstSpec) config.patterns().get(0);
        assertThat(loud.clearLevel()).isEqualTo(80.0);
        assertThat(loud.alerting())
                .isEqualTo(
                        new AlertSettings(
                                Duration.ofSeconds(30),
                                Duration.ofMinutes(5),
                                Duration.ofMinutes(10),
                                Duration.ofHours(1),
                                "critical"));
        assertThat(config.patterns().get(1).alerting()).isEqualTo(AlertSettings.DEFAULTS);
    }

    @Test
    void theExampleFileLoadsWithTheDefaults() {
        PatternConfig config =
                PatternConfigLoader.load(
                        Path.of("patterns/default.yaml"),
                        Path.of("patterns/examples/held-sound-alert.yaml"));

        BurstSpec held = (BurstSpec) config.patterns().get(3);
        assertThat(held.name()).isEqualTo("sound-burst-held");
        assertThat(held.clearLevel()).isEqualTo(80.0);
        assertThat(held.alerting().escalateTo()).isEqualTo("critical");
    }

    @Test
    void reportsEachMistakeWithItsPatternFieldAndLine() {
        Path file =
                write(
                        """
                        patterns:
                          - name: a
                            type: burst
                            metrics: [sound]
                            above-baseline: 20
                            clear-level: 80
                            min-events: 3
                            within: 10s
                          - name: b
                            type: burst
                            metrics: [sound]
                            threshold: 85
                            clear-level: 90
                            min-events: 3
                            within: 10s
                          - name: c
                            type: drift
                            metrics: [temperature]
                            min-events: 3
                            within: 10m
                            min-rise: 2
                            escalate-to: critical
                          - name: d
                            type: silence
                            metrics: ["*"]
                            severity: critical
                            after: 2m
                            escalate-after: 1h
                            escalate-to: critical
                          - name: e
                            type: silence
                            metrics: ["*"]
                            after: 2m
                            cooldown: 0s
                            repeat-after: 10
                        """);

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(ConfigError::pattern, ConfigError::field, LoadFailures::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", "clear-level", 6),
                        org.assertj.core.groups.Tuple.tuple("b", "clear-level", 13),
                        org.assertj.core.groups.Tuple.tuple("c", "escalate-after", 22),
                        org.assertj.core.groups.Tuple.tuple("d", "escalate-to", 29),
                        org.assertj.core.groups.Tuple.tuple("e", "cooldown", 34),
                        org.assertj.core.groups.Tuple.tuple("e", "repeat-after", 35));
        assertThat(e.errors().get(0).message())
                .contains("absolute 'threshold' ('above') or 'below' only");
        assertThat(e.errors().get(1).message()).contains("at or below 'threshold'");
        assertThat(e.errors().get(2).message())
                .contains("'escalate-after' and 'escalate-to' go together");
        assertThat(e.errors().get(3).message()).contains("severity 'critical' already");
        assertThat(e.errors().get(4).message()).contains("longer than zero");
        assertThat(e.errors().get(5).message()).contains("with a unit, e.g. 10s");
    }

    private Path write(String yaml) {
        try {
            return Files.writeString(dir.resolve("patterns.yaml"), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
