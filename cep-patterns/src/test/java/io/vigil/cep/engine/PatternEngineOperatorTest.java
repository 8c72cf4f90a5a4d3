package io.vigil.cep.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.aggregation.ReadingAccumulator;
import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.AlertPatterns;
import io.vigil.cep.SequenceEvent;
import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SequenceSpec.Contiguity;
import io.vigil.cep.config.SequenceSpec.Step;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PatternEngineOperatorTest {

    private static final long S = 1000;

    private static final BurstSpec LOUD =
            new BurstSpec(
                    "loud", "warning", List.of("sound"), 85.0, null, 2, Duration.ofSeconds(10));

    /** Same type, same key, other threshold: must not see the other's state. */
    private static final BurstSpec LOUDER =
            new BurstSpec(
                    "louder", "critical", List.of("sound"), 95.0, null, 2, Duration.ofSeconds(10));

    private static final SequenceSpec HOT_THEN_LOUD =
            new SequenceSpec(
                    "hot-then-loud",
                    "warning",
                    Duration.ofMinutes(1),
                    List.of(
                            new Step("temperature", true, 80, 1, Contiguity.FOLLOWED_BY),
                            new Step("sound", true, 85, 1, Contiguity.FOLLOWED_BY)));

    @Test
    void readingsAtOrBehindTheWatermarkBecomeLateDeadLettersOnce() throws Exception {
        try (var harness = harness(60 * S, LOUD)) {
            harness.processWatermark(10_000);
            harness.processElement(sound(10_001, 1.0), 10_001);
            harness.processElement(sound(10_000, 2.0), 10_000);
            harness.processElement(sound(4_000, 3.0), 4_000);
            harness.processWatermark(Long.MAX_VALUE);

            List<DeadLetter> late = values(harness.getSideOutput(PatternEngineOperator.LATE));
            assertThat(late).hasSize(2);
            assertThat(late).allSatisfy(d -> assertThat(d.reason()).isEqualTo("late"));
            assertThat(late.get(0).topic()).isEqualTo("sensors/plant-a/mic-1/sound");
            assertThat(late.get(0).payload())
                    .isEqualTo("{\"ts\":10000,\"value\":2.0,\"unit\":\"dB\"}");
            assertThat(late.get(1).detail()).contains("4000").contains("10000");
            assertThat(harness.extractOutputValues())
                    .as("only the on-time reading is aggregated")
                    .extracting(WindowAggregate::count)
                    .containsExactly(1L);
        }
    }

    @Test
    void aggregatesTumblingWindowsWhenTheWatermarkPassesTheirEnd() throws Exception {
        try (var harness = harness(60 * S, LOUD)) {
            harness.processElement(sound(61 * S, 60), 61 * S);
            harness.processElement(sound(5 * S, 70), 5 * S);
            harness.processElement(sound(59 * S, 80), 59 * S);
            harness.processWatermark(60 * S - 2);
            assertThat(harness.extractOutputValues()).isEmpty();

            harness.processWatermark(60 * S - 1);
            assertThat(harness.extractOutputValues())
                    .extracting(
                            WindowAggregate::windowStart,
                            WindowAggregate::windowEnd,
                            WindowAggregate::count,
                            WindowAggregate::max,
                            WindowAggregate::last)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(0L, 60 * S, 2L, 80.0, 80.0));
            assertThat(harness.getOutput().peek()).isNotNull();

            harness.processWatermark(Long.MAX_VALUE);
            assertThat(harness.extractOutputValues()).hasSize(2);
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void patternsOfOneTypeKeepTheirStateApart() throws Exception {
        try (var harness = harness(0, LOUD, LOUDER)) {
            for (int i = 0; i < 3; i++) {
                harness.processElement(sound((i + 1) * S, 90), (i + 1) * S);
            }
            harness.processElement(sound(4 * S, 99), 4 * S);
            harness.processElement(sound(5 * S, 99), 5 * S);
            harness.processElement(sound(6 * S, 70), 6 * S);
            harness.processWatermark(Long.MAX_VALUE);

            assertThat(alerts(harness))
                    .extracting(Alert::pattern, Alert::startedAt, Alert::events)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("loud", 1 * S, 5),
                            org.assertj.core.groups.Tuple.tuple("louder", 4 * S, 2));
            assertThat(harness.numKeyedStateEntries()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void forwardsTheOnTimeReadingsOfPatternsKeyedByDeviceWithoutHostingThem() throws Exception {
        try (var harness = harness(0, LOUD, HOT_THEN_LOUD)) {
            harness.processElement(sound(1 * S, 90), 1 * S);
            harness.processElement(temperature(2 * S, 95), 2 * S);
            harness.processElement(
                    new SensorReading("plant-a", "mic-1", "humidity", 3 * S, 50, null), 3 * S);
            harness.processElement(sound(4 * S, 90), 4 * S);
            harness.processWatermark(4 * S);
            harness.processElement(sound(4 * S, 90), 4 * S);
            harness.processElement(sound(5 * S, 90), 5 * S);
            harness.processWatermark(Long.MAX_VALUE);

            assertThat(values(harness.getSideOutput(PatternEngineOperator.DEVICE_READINGS)))
                    .as("each on-time reading of the sequence's metrics once, as it arrives")
                    .extracting(SensorReading::metric, SensorReading::timestamp)
                    .containsExactly(
                            tuple("sound", 1 * S),
                            tuple("temperature", 2 * S),
                            tuple("sound", 4 * S),
                            tuple("sound", 5 * S));
            assertThat(alerts(harness))
                    .as("the sequence is for the engine keyed by device")
                    .extracting(Alert::pattern)
                    .containsOnly("loud");
        }
    }

    @Test
    void forwardsNothingWithoutAPatternKeyedByDevice() throws Exception {
        try (var harness = harness(0, LOUD)) {
            harness.processElement(sound(1 * S, 90), 1 * S);
            harness.processElement(temperature(2 * S, 95), 2 * S);
            harness.processWatermark(Long.MAX_VALUE);

            assertThat(values(harness.getSideOutput(PatternEngineOperator.DEVICE_READINGS)))
                    .isEmpty();
        }
    }

    @Test
    void rejectsTwoPatternsOfOneName() {
        assertThatThrownBy(() -> harness(0, LOUD, LOUD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'loud'");
    }

    @Test
    void everyStateAndRecordTypeHasAFlinkSerializerNotKryo() {
        for (Class<?> type :
                List.of(
                        SensorReading.class,
                        Alert.class,
                        WindowAggregate.class,
                        DeadLetter.class,
                        ReadingAccumulator.class,
                        SequenceEvent.class,
                        io.vigil.model.RawMessage.class)) {
            assertThat(TypeInformation.of(type))
                    .as(type.getSimpleName())
                    .isNotInstanceOf(GenericTypeInfo.class);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, SensorReading, WindowAggregate>
            harness(long windowMillis, PatternSpec... specs) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new PatternEngineOperator(
                                Stream.of(specs).map(s -> AlertPatterns.of(s).program()).toList(),
                                windowMillis,
                                "1m",
                                new ReadingAggregateFunction(Set.of())),
                        SensorReading::key,
                        Types.STRING);
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig())
                .setGenericTypes(false);
        harness.open();
        return harness;
    }

    private static List<Alert> alerts(
            KeyedOneInputStreamOperatorTestHarness<String, SensorReading, WindowAggregate>
                    harness) {
        // The firing events: each alert as raised (the resolved events follow them).
        return values(harness.getSideOutput(PatternEngineOperator.ALERTS)).stream()
                .filter(Alert::isFiring)
                .toList();
    }

    private static <T> List<T> values(java.util.Collection<StreamRecord<T>> records) {
        return records == null
                ? List.of()
                : records.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    private static SensorReading sound(long timestamp, double value) {
        return new SensorReading("plant-a", "mic-1", "sound", timestamp, value, "dB");
    }

    private static SensorReading temperature(long timestamp, double value) {
        return new SensorReading("plant-a", "mic-1", "temperature", timestamp, value, "C");
    }
}
