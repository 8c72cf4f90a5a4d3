package io.vigil.cep.config;

import static io.vigil.cep.config.LoadFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code overrides} of a pattern, as the loader reads and checks them. */
class PatternOverridesConfigTest {

    /** A burst {@code loud} on sound, threshold 85; its overrides start at line 8. */
    private static final String LOUD =
            """
            patterns:
              - name: loud
                type: burst
                metrics: [sound]
                threshold: 85
                min-events: 3
                within: 10s
                overrides:
            """;

    @TempDir Path dir;

    @Test
    void anOverrideIsThePatternWithItsValues() {
        Path file =
                write(
                        LOUD
                                + overrides(
                                        """
                                          - site: plant-b
                                            device: "mic-0*"
                                            threshold: 90
                                          - device: mic-99
                                            above-baseline: 20
                                            within: 30s
                                            severity: critical
                                        """));

        PatternConfig config = PatternConfigLoader.load(file);

        BurstSpec base = (BurstSpec) config.patterns().get(0);
        assertThat(base.threshold()).isEqualTo(85.0);
        assertThat(config.overrides())
                .containsExactly(
                        new PatternOverride(
                                "loud",
                                1,
                                new KeySelector("plant-b", "mic-0*", null),
                                new BurstSpec(
                                        "loud",
                                        "warning",
                                        List.of("sound"),
                                        90.0,
                                        null,
                                        3,
                                        Duration.ofSeconds(10)),
                                List.of("threshold"),
                                file + ":9"),
                        new PatternOverride(
                                "loud",
                                2,
                                new KeySelector(null, "mic-99", null),
                                new BurstSpec(
                                        "loud",
                                        "critical",
                                        List.of("sound"),
                                        null,
                                        20.0,
                                        3,
                                        Duration.ofSeconds(30)),
                                List.of("above-baseline", "within", "severity"),
                                file + ":12"));
    }

    @Test
    void theMostSpecificMatchingOverrideApplies() {
        Path file =
                write(
                        LOUD
                                + overrides(
                                        """
                                          - device: "mic-*"
                                            threshold: 86
                                          - device: "mic-0*"
                                            threshold: 87
                                          - site: plant-b
                                            device: "*"
                                            threshold: 88
                                        """));

        PatternConfig config = PatternConfigLoader.load(file);

        assertThat(config.overrideFor("loud", "plant-a", "mic-01", "sound"))
                .map(PatternOverride::position)
                .contains(2);
        assertThat(config.overrideFor("loud", "plant-a", "mic-11", "sound"))
                .map(PatternOverride::position)
                .contains(1);
        assertThat(config.overrideFor("loud", "plant-b", "mic-01", "sound"))
                .map(PatternOverride::position)
                .contains(3);
        assertThat(config.overrideFor("loud", "plant-a", "pump-1", "sound")).isEmpty();
    }

    @Test
    void reportsEveryProblemOfAnOverrideByItsPositionAndField() {
        Path file =
                write(
                        LOUD
                                + overrides(
                                        """
                                          - threshold: 90
                                          - device: mic-01
                                            type: drift
                                            treshold: 90
                                          - metric: temperature
                                            threshold: 90
                                          - device: "mic/01"
                                            threshold: "90"
                                          - site: plant-a
                                          - site: plant-a
                                            min-events: 0
                                        """));

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(ConfigError::pattern, ConfigError::field, ConfigError::message)
                .containsExactly(
                        tuple(
                                "loud",
                                "overrides[1]",
                                "selects no keys; give at least one of site, device and metric"
                                        + " (globs with * and ?) (line 9)"),
                        tuple(
                                "loud",
                                "overrides[2]",
                                "sets no value; give at least one of: severity, threshold, above,"
                                        + " below, above-baseline, below-baseline, min-events,"
                                        + " within, clear-level (line 10)"),
                        tuple(
                                "loud",
                                "overrides[2].type",
                                "an override cannot change it: it changes the values of its"
                                        + " pattern for some keys, not what the pattern is"
                                        + " (line 11)"),
                        tuple(
                                "loud",
                                "overrides[2].treshold",
                                "unknown field (did you mean 'threshold'?); the fields of an"
                                        + " override of a 'burst' pattern are: site, device,"
                                        + " metric, severity, threshold, above, below,"
                                        + " above-baseline, below-baseline, min-events, within,"
                                        + " clear-level (line 12)"),
                        tuple(
                                "loud",
                                "overrides[3].metric",
                                "\"temperature\" matches none of the pattern's metrics (sound),"
                                        + " so the override could never apply (line 13)"),
                        tuple(
                                "loud",
                                "overrides[4].device",
                                "\"mic/01\" is not a glob of one topic level: not blank, and"
                                        + " without '/', '+', '#' or spaces (use * and ?)"
                                        + " (line 15)"),
                        tuple(
                                "loud",
                                "overrides[4].threshold",
                                "must be a number, found the string \"90\" (remove the quotes)"
                                        + " (line 16)"),
                        tuple(
                                "loud",
                                "overrides[5]",
                                "sets no value; give at least one of: severity, threshold, above,"
                                        + " below, above-baseline, below-baseline, min-events,"
                                        + " within, clear-level (line 17)"),
                        tuple(
                                "loud",
                                "overrides[6]",
                                "as specific as overrides[5] (line 17), and some key can match"
                                        + " both, so neither would win; make one of them more"
                                        + " specific (more of site, device and metric, or more"
                                        + " characters other than * and ?) (line 18)"),
                        tuple(
                                "loud",
                                "overrides[6].min-events",
                                "must be at least 1 for an override of a 'burst' pattern, found"
                                        + " 0 (line 19)"));
    }

    @Test
    void equallySpecificOverridesThatCannotMeetAreFine() {
        Path file =
                write(
                        LOUD
                                + overrides(
                                        """
                                          - device: "mic-0*"
                                            threshold: 90
                                          - device: "mic-1*"
                                            threshold: 95
                                          - site: plant-b
                                            threshold: 80
                                        """));

        assertThat(PatternConfigLoader.load(file).overrides()).hasSize(3);
    }

    @Test
    void reportsOverridesThatAreNotAListOfMappings() {
        Path file = write(LOUD.replace("overrides:", "overrides: [plant-b]"));

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("overrides[1]");
        assertThat(error.message())
                .isEqualTo("must be a mapping of fields, found the string \"plant-b\" (line 8)");
    }

    @Test
    void anOverrideOfAnotherTypeChecksThatTypesFields() {
        Path file =
                write(
                        """
                        patterns:
                          - name: quiet
                            type: silence
                            metrics: ["*"]
                            after: 2m
                            overrides:
                              - metric: temperature
                                after: 10
                              - site: plant-b
                                after: 10m
                        """);

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("overrides[1].after");
        assertThat(error.message())
                .isEqualTo(
                        "must be a duration with a unit, e.g. 10s, found the number 10 (line 8)");
    }

    @Test
    void overridesOfRateFlatlineAndDriftReplaceAnyFieldOfTheirType() {
        Path file =
                write(
                        """
                        patterns:
                          - name: vibration
                            type: rate
                            metrics: [vibration]
                            max-rate: 0.5
                            per: 1m
                            over: 5m
                            overrides:
                              - device: "fan-*"
                                max-rate: 2
                                direction: either
                          - name: stuck
                            type: flatline
                            metrics: [temperature]
                            epsilon: 0.01
                            for: 15m
                            overrides:
                              - site: plant-b
                                for: 1h
                                max-gap: 10m
                          - name: pressure
                            type: drift
                            metrics: [pressure]
                            min-events: 3
                            within: 10m
                            min-rise: 2
                            overrides:
                              - device: "tank-*"
                                direction: falling
                                min-fall: 0.5
                        """);

        PatternConfig config = PatternConfigLoader.load(file);

        RateSpec rate = (RateSpec) config.overridesOf("vibration").get(0).spec();
        assertThat(rate.maxRate()).isEqualTo(2.0);
        assertThat(rate.direction()).isEqualTo(RateSpec.Direction.EITHER);
        assertThat(rate.over()).isEqualTo(Duration.ofMinutes(5));
        FlatlineSpec flatline = (FlatlineSpec) config.overridesOf("stuck").get(0).spec();
        assertThat(flatline.minDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(flatline.maxGap()).isEqualTo(Duration.ofMinutes(10));
        assertThat(flatline.epsilon()).isEqualTo(0.01);
        DriftSpec drift = (DriftSpec) config.overridesOf("pressure").get(0).spec();
        assertThat(drift.falling())
                .as("min-fall replaces the pattern's min-rise: a falling drift for the tanks")
                .isTrue();
        assertThat(drift.minRise()).isEqualTo(0.5);
        assertThat(((DriftSpec) config.patterns().get(2)).falling()).isFalse();
    }

    @Test
    void aSequenceHasNoOverrides() {
        Path file =
                write(
                        """
                        patterns:
                          - name: hot-then-loud
                            type: sequence
                            within: 5m
                            steps:
                              - {metric: temperature, above: 80}
                              - {metric: sound, above: 85}
                            overrides:
                              - device: mic-1
                                within: 10m
                        """);

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("overrides");
        assertThat(error.message())
                .isEqualTo(
                        "a 'sequence' pattern has no overrides: it matches across the metrics of"
                                + " each device, and its steps and window are the same for every"
                                + " device (line 9)");
    }

    /** Overrides written from column 0, indented to follow {@link #LOUD}. */
    private static String overrides(String entries) {
        return entries.indent(4);
    }

    private Path write(String yaml) {
        try {
            return Files.writeString(dir.resolve("patterns.yaml"), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConfigError onlyError(Path file) {
        PatternConfigException e = failure(file);
        assertThat(e.errors()).as(e.getMessage()).hasSize(1);
        return e.errors().get(0);
    }
}
