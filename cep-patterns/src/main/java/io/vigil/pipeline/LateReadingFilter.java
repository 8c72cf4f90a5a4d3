package io.vigil.pipeline;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.SensorReading;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends readings at or behind the current watermark to the dead letters with reason {@code late}.
 *
 * <p>Windows and CEP both ignore such readings; filtering them here, once, means each late reading
 * becomes exactly one dead letter instead of being dropped silently by the operators downstream.
 * Run it after the keyBy, as {@link SensorAnalytics} does: there its watermark is the one the
 * windows and patterns see, the smallest over all upstream subtasks that are not idle. Chained to
 * one upstream subtask, it would judge by that subtask's watermark alone and let through readings
 * that a subtask back from idleness brings in behind the others' watermark.
 */
public class LateReadingFilter extends ProcessFunction<SensorReading, SensorReading> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("late-readings") {};

    private transient Counter lateReadings;

    @Override
    public void open(OpenContext openContext) {
        lateReadings = getRuntimeContext().getMetricGroup().counter("lateReadings");
    }

    @Override
    public void processElement(SensorReading reading, Context ctx, Collector<SensorReading> out) {
        long watermark = ctx.timerService().currentWatermark();
        if (reading.timestamp() > watermark) {
            out.collect(reading);
            return;
        }
        lateReadings.inc();
        String payload =
                String.format(
                        "{\"ts\":%d,\"value\":%s%s}",
                        reading.timestamp(),
                        reading.value(),
                        reading.unit() == null
                                ? ""
                                : ",\"unit\":\"" + jsonEscape(reading.unit()) + "\"");
        ctx.output(
                LATE,
                DeadLetter.of(
                        DeadLetterReason.LATE.code(),
                        "sensors/" + reading.key(),
                        payload.getBytes(StandardCharsets.UTF_8),
                        ctx.timerService().currentProcessingTime(),
                        String.format(
                                "reading at %d is at or behind the watermark %d",
                                reading.timestamp(), watermark)));
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
