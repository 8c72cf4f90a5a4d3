package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.cep.engine.PatternKeying;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class AlertPatternsTest {

    static final BurstSpec BURST = TestPatterns.LOUD_BURST;
    static final DriftSpec DRIFT = TestPatterns.PUMP_DRIFT;
    static final SilenceSpec SILENCE = TestPatterns.PUMP_SILENT;

    @Test
    void createsThePatternOfEachSpecType() {
        assertThat(AlertPatterns.of(BURST)).isInstanceOf(BurstPattern.class);
        assertThat(AlertPatterns.of(DRIFT)).isInstanceOf(DriftPattern.class);
        assertThat(AlertPatterns.of(SILENCE)).isInstanceOf(SilencePattern.class);
        assertThat(AlertPatterns.of(TestPatterns.HOT_THEN_LOUD))
                .isInstanceOf(SequencePattern.class);
        assertThat(List.of(BURST, DRIFT, SILENCE))
                .extracting(spec -> AlertPatterns.of(spec).name())
                .containsExactly("loud-burst", "pump-drift", "pump-silent");
    }

    @Test
    void readsTheTunablesFromTheConfiguration() {
        Configuration config = new Configuration();
        config.set(PatternOptions.BURST_BASELINE_WEIGHT, 7.0);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AlertPatterns.of(BURST, config))
                .hasMessageContaining(PatternOptions.BURST_BASELINE_WEIGHT.key());
    }

    @Test
    void passesTheSilenceGraceFromTheConfigurationToTheFallback() throws Exception {
        Configuration config = new Configuration();
        config.set(PatternOptions.SILENCE_PROCESSING_TIME_GRACE, Duration.ofSeconds(5));
        SilencePattern pattern = (SilencePattern) AlertPatterns.of(SILENCE, config);
        try (EngineHarness harness = new EngineHarness(pattern)) {
            harness.setProcessingTime(0);
            harness.processElement(
                    new SensorReading("plant-a", "pump-3", "temperature", 1_000, 20.0, null),
                    1_000);

            harness.setProcessingTime(64_999);
            assertOutput(harness.extractOutputValues()).as("after + grace").hasNoMoreAlerts();

            harness.setProcessingTime(65_000);
            assertOutput(harness.extractOutputValues())
                    .nextAlert(alert().device("pump-3").startedAt(1_000).endedAt(61_000))
                    .hasNoMoreAlerts();
        }
    }

    @Test
    void watchesOnlyTheMetricsThePatternNames() {
        PatternProgram sound = AlertPatterns.of(BURST).program();
        PatternProgram any =
                AlertPatterns.of(
                                new SilenceSpec(
                                        "any", "warning", List.of("*"), Duration.ofSeconds(1)))
                        .program();
        SensorReading temperature =
                new SensorReading("plant-a", "pump-3", "temperature", 1, 20.0, null);

        PatternProgram sequence = AlertPatterns.of(TestPatterns.HOT_THEN_LOUD).program();

        assertThat(sequence.keying()).isEqualTo(PatternKeying.DEVICE);
        assertThat(sequence.watches(temperature)).isTrue();
        assertThat(sequence.watches(new SensorReading("a", "b", "humidity", 1, 1.0, null)))
                .isFalse();
        assertThat(sound.keying()).isEqualTo(PatternKeying.SENSOR);
        assertThat(sound.watches(temperature)).isFalse();
        assertThat(sound.watches(new SensorReading("a", "b", "sound", 1, 1.0, null))).isTrue();
        assertThat(any.watches(temperature)).isTrue();
    }
}
