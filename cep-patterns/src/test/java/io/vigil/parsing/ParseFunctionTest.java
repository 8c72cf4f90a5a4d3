package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ParseFunctionTest {

    private static final String TOPIC = "sensors/plant-a/mic-07/sound";
    private static final long ARRIVAL = 1764316900000L;

    private static ParseFunction newFunction() {
        return new ParseFunction(SensorMessageParser.withDefaults());
    }

    @Test
    void emitsReadingsAndKeepsTheInputTimestamp() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawMessage, SensorReading> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(newFunction())) {
            harness.processElement(
                    RawMessage.of(
                            TOPIC,
                            "[{\"ts\": 1764316800000, \"value\": 80, \"unit\": \"dB\"},"
                                    + " {\"ts\": 1764316801000, \"value\": 81}]",
                            ARRIVAL),
                    ARRIVAL);
            harness.processElement(RawMessage.of(TOPIC, "87.5", ARRIVAL), ARRIVAL);

            assertThat(harness.extractOutputValues())
                    .containsExactly(
                            new SensorReading(
                                    "plant-a", "mic-07", "sound", 1764316800000L, 80, "dB"),
                            new SensorReading(
                                    "plant-a", "mic-07", "sound", 1764316801000L, 81, null),
                            new SensorReading("plant-a", "mic-07", "sound", ARRIVAL, 87.5, null));
            assertThat(harness.getSideOutput(ParseFunction.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void sendsDeadLettersToTheSideOutput() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawMessage, SensorReading> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(newFunction())) {
            harness.processElement(RawMessage.of(TOPIC, "{\"value\": \"87.5\"}", ARRIVAL), 1L);
            harness.processElement(RawMessage.of("alerts/x", "1", ARRIVAL), 2L);
            harness.processElement(
                    RawMessage.of(TOPIC, "[{\"value\": 1}, {\"value\": NaN}]", ARRIVAL), 3L);

            assertThat(harness.extractOutputValues()).hasSize(1);
            assertThat(harness.getSideOutput(ParseFunction.DEAD_LETTERS))
                    .extracting(StreamRecord::getValue)
                    .extracting(DeadLetter::reason, DeadLetter::topic, DeadLetter::payload)
                    .containsExactly(
                            tuple("non-numeric-value", TOPIC, "{\"value\": \"87.5\"}"),
                            tuple("bad-topic", "alerts/x", "1"),
                            tuple("non-finite-value", TOPIC, "{\"value\": NaN}"));
        }
    }

    @Test
    void survivesHostileInputWithoutFailing() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawMessage, SensorReading> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(newFunction())) {
            harness.processElement(null, 1L);
            harness.processElement(new RawMessage(null, null, 0L), 2L);
            harness.processElement(
                    new RawMessage(TOPIC, new byte[] {(byte) 0xFF, (byte) 0xFE, 0}, ARRIVAL), 3L);
            harness.processElement(
                    RawMessage.of(TOPIC, "[".repeat(10_000) + "]".repeat(10_000), ARRIVAL), 4L);

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(ParseFunction.DEAD_LETTERS))
                    .extracting(r -> r.getValue().reason())
                    .containsExactly("empty", "bad-topic", "malformed-json", "malformed-json");
        }
    }

    @Test
    void countsReadingsArrivalStampsAndDeadLettersByReason() throws Exception {
        Map<String, Counter> counters = new ConcurrentHashMap<>();
        try (MockEnvironment environment = RecordingMetrics.environment(counters);
                OneInputStreamOperatorTestHarness<RawMessage, SensorReading> harness =
                        new OneInputStreamOperatorTestHarness<>(
                                new ProcessOperator<>(newFunction()), environment)) {
            harness.open();

            harness.processElement(
                    RawMessage.of(
                            TOPIC,
                            "[{\"ts\": 1764316800000, \"value\": 80}, {\"value\": 81},"
                                    + " {\"value\": true}]",
                            ARRIVAL),
                    1L);
            harness.processElement(RawMessage.of(TOPIC, "87.5", ARRIVAL), 2L);
            harness.processElement(RawMessage.of(TOPIC, "{oops", ARRIVAL), 3L);
            harness.processElement(RawMessage.of(TOPIC, "", ARRIVAL), 4L);
            harness.processElement(
                    new RawMessage(TOPIC, "x".repeat(70_000).getBytes(StandardCharsets.UTF_8), 0L),
                    5L);

            assertThat(harness.extractOutputValues()).hasSize(3);
            assertThat(counts(counters))
                    .contains(
                            entry(ParseFunction.READINGS_PARSED, 3L),
                            entry(ParseFunction.READINGS_STAMPED_ON_ARRIVAL, 2L),
                            entry("deadLetters", 4L),
                            entry("deadLetters[non-numeric-value]", 1L),
                            entry("deadLetters[malformed-json]", 1L),
                            entry("deadLetters[empty]", 1L),
                            entry("deadLetters[too-large]", 1L),
                            entry("deadLetters[bad-topic]", 0L),
                            entry("deadLetters[future-timestamp]", 0L));
            assertThat(counts(counters).keySet())
                    .as("one counter per reason the parser produces, registered up front")
                    .containsAll(
                            SensorMessageParser.REASONS.stream()
                                    .map(r -> "deadLetters[" + r.code() + "]")
                                    .toList())
                    .doesNotContain("deadLetters[" + DeadLetterReason.LATE.code() + "]");
        }
    }

    @Test
    void serializesReadingsAndDeadLettersAsPojosNotKryo() {
        assertThat(ParseFunction.DEAD_LETTERS.getTypeInfo()).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(SensorReading.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void rejectsMissingParser() {
        assertThatThrownBy(() -> new ParseFunction(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parser must not be null");
    }

    private static Map<String, Long> counts(Map<String, Counter> counters) {
        Map<String, Long> counts = new TreeMap<>();
        counters.forEach((name, counter) -> counts.put(name, counter.getCount()));
        return counts;
    }
}
