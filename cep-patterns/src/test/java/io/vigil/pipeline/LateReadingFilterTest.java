package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.model.DeadLetter;
import io.vigil.model.SensorReading;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class LateReadingFilterTest {

    @Test
    void readingsAheadOfTheWatermarkPassAndOthersBecomeLateDeadLetters() throws Exception {
        try (OneInputStreamOperatorTestHarness<SensorReading, SensorReading> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new LateReadingFilter())) {
            harness.processWatermark(10_000);
            harness.processElement(reading(10_001, 1.0), 10_001);
            harness.processElement(reading(10_000, 2.0), 10_000);
            harness.processElement(reading(4_000, 3.0), 4_000);

            assertThat(harness.extractOutputValues())
                    .extracting(SensorReading::value)
                    .containsExactly(1.0);
            List<DeadLetter> late =
                    harness.getSideOutput(LateReadingFilter.LATE).stream()
                            .map(StreamRecord::getValue)
                            .collect(Collectors.toList());
            assertThat(late).hasSize(2);
            assertThat(late).allSatisfy(d -> assertThat(d.reason()).isEqualTo("late"));
            assertThat(late.get(0).topic()).isEqualTo("sensors/plant-a/mic-1/sound");
            assertThat(late.get(0).payload())
                    .isEqualTo("{\"ts\":10000,\"value\":2.0,\"unit\":\"dB\"}");
            assertThat(late.get(1).detail()).contains("4000").contains("10000");
        }
    }

    @Test
    void everythingPassesBeforeTheFirstWatermark() throws Exception {
        try (OneInputStreamOperatorTestHarness<SensorReading, SensorReading> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new LateReadingFilter())) {
            harness.processElement(reading(0, 1.0), 0);

            assertThat(harness.extractOutputValues()).hasSize(1);
            assertThat(harness.getSideOutput(LateReadingFilter.LATE)).isNullOrEmpty();
        }
    }

    private static SensorReading reading(long ts, double value) {
        return new SensorReading("plant-a", "mic-1", "sound", ts, value, "dB");
    }
}
