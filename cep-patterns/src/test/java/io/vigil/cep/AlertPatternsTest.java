package io.vigil.cep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class AlertPatternsTest {

    static final BurstSpec BURST =
            new BurstSpec(
                    "loud-burst",
                    "warning",
                    List.of("sound"),
                    85.0,
                    null,
                    3,
                    Duration.ofSeconds(10));
    static final DriftSpec DRIFT =
            new DriftSpec(
                    "pump-drift",
                    "critical",
                    List.of("temperature"),
                    4,
                    Duration.ofSeconds(60),
                    0.5,
                    3.0);
    static final SilenceSpec SILENCE =
            new SilenceSpec(
                    "pump-silent", "warning", List.of("temperature"), Duration.ofSeconds(60));

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
