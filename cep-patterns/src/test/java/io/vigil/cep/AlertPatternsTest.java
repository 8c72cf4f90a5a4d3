package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;
import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
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
        try (KeyedOneInputStreamOperatorTestHarness<String, SensorReading, Alert> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(pattern.detector()),
                        SensorReading::key,
                        Types.STRING)) {
            harness.open();
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
    void givesEveryOperatorAStableUidAndUsesNoGenericTypes() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        DataStream<SensorReading> readings =
                env.fromData(
                                List.of(
                                        new SensorReading(
                                                "plant-a", "mic-07", "sound", 1, 80.0, "dB")),
                                TypeInformation.of(SensorReading.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<SensorReading>forMonotonousTimestamps()
                                        .withTimestampAssigner((r, t) -> r.timestamp()));
        for (PatternSpec spec : List.of(BURST, DRIFT, SILENCE)) {
            AlertPatterns.of(spec).apply(readings).sinkTo(new DiscardingSink<>());
        }

        // Building the graph creates every serializer, so a Kryo fallback would fail here.
        StreamGraph graph = env.getStreamGraph();

        List<String> uids =
                graph.getStreamNodes().stream()
                        .map(StreamNode::getTransformationUID)
                        .filter(uid -> uid != null && uid.startsWith("pattern-"))
                        .sorted()
                        .collect(Collectors.toList());
        assertThat(uids)
                .containsExactly(
                        "pattern-loud-burst-cep",
                        "pattern-loud-burst-filter",
                        "pattern-loud-burst-score",
                        "pattern-pump-drift-cep",
                        "pattern-pump-drift-filter",
                        "pattern-pump-drift-steps",
                        "pattern-pump-silent-filter",
                        "pattern-pump-silent-silence");
    }

    @Test
    void keepsOnlyTheMetricsThePatternNames() throws Exception {
        MetricFilter sound = new MetricFilter(BURST);
        MetricFilter any =
                new MetricFilter(
                        new SilenceSpec("any", "warning", List.of("*"), Duration.ofSeconds(1)));
        SensorReading temperature =
                new SensorReading("plant-a", "pump-3", "temperature", 1, 20.0, null);

        assertThat(sound.filter(temperature)).isFalse();
        assertThat(sound.filter(new SensorReading("a", "b", "sound", 1, 1.0, null))).isTrue();
        assertThat(any.filter(temperature)).isTrue();
    }
}
