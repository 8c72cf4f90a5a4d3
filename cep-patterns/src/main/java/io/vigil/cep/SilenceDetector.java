package io.vigil.cep;

import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.util.Collector;

/**
 * Raises a {@link SilencePattern} alert for a key when event time passes its latest reading (in
 * event-time order) by {@code after}, or, when event time has stalled, when wall-clock time passes
 * the key's latest arrival by {@code after} plus a grace; then forgets the key.
 *
 * <p>Readings are taken in event-time order as the watermark passes them, so a reading that arrives
 * early (ahead of the watermark) cannot hide a silence before it. The processing-time timer moves
 * lazily: at most one per key, re-registered at the current deadline when newer arrivals moved it,
 * which costs less than deleting and re-creating a timer for every reading.
 */
final class SilenceDetector extends EventTimeOrderedFunction<Alert> {

    private static final long serialVersionUID = 1L;

    private final SilenceSpec spec;
    private final long afterMillis;
    private final long graceMillis;

    private transient ValueState<SensorReading> latestInOrder;
    private transient ValueState<SensorReading> latestArrived;
    private transient ValueState<Long> wallClockDeadline;
    private transient ValueState<Long> wallClockTimer;

    SilenceDetector(SilenceSpec spec, long graceMillis) {
        super(spec.after().toMillis());
        this.spec = spec;
        this.afterMillis = spec.after().toMillis();
        this.graceMillis = graceMillis;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        TypeInformation<SensorReading> readingType = TypeInformation.of(SensorReading.class);
        latestInOrder = valueState("latest-in-order", readingType);
        latestArrived = valueState("latest-arrived", readingType);
        wallClockDeadline = valueState("wall-clock-deadline", Types.LONG);
        wallClockTimer = valueState("wall-clock-timer", Types.LONG);
    }

    @Override
    public void processElement(SensorReading reading, Context ctx, Collector<Alert> out)
            throws Exception {
        boolean late = reading.timestamp() <= ctx.timerService().currentWatermark();
        super.processElement(reading, ctx, out);
        if (late) {
            // Dropped (and counted) above; it must not start a fallback for a period already past.
            return;
        }
        SensorReading arrived = latestArrived.value();
        if (arrived == null || reading.timestamp() >= arrived.timestamp()) {
            latestArrived.update(reading);
        }
        long deadline = ctx.timerService().currentProcessingTime() + afterMillis + graceMillis;
        wallClockDeadline.update(deadline);
        if (wallClockTimer.value() == null) {
            wallClockTimer.update(deadline);
            ctx.timerService().registerProcessingTimeTimer(deadline);
        }
    }

    @Override
    protected void processInOrder(SensorReading reading, Collector<Alert> out) throws Exception {
        latestInOrder.update(reading);
    }

    @Override
    protected void expire(OnTimerContext ctx, Collector<Alert> out) throws Exception {
        // The final watermark of a bounded input (a replay, a test) jumps event time to the end
        // of time: with no later reading waiting, that is the end of the data, not a silence.
        if (ctx.timerService().currentWatermark() != Long.MAX_VALUE || hasPendingReadings()) {
            out.collect(alert(latestInOrder.value()));
        }
        latestInOrder.clear();
        if (!hasPendingReadings()) {
            // Nothing newer has arrived: the key is gone, so its fallback goes too.
            Long wallClockAt = wallClockTimer.value();
            if (wallClockAt != null) {
                ctx.timerService().deleteProcessingTimeTimer(wallClockAt);
            }
            clearArrivals();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            super.onTimer(timestamp, ctx, out);
            return;
        }
        long deadline = wallClockDeadline.value();
        if (timestamp < deadline) {
            wallClockTimer.update(deadline);
            ctx.timerService().registerProcessingTimeTimer(deadline);
            return;
        }
        // Event time has not caught up within the grace: alert now and forget the key, so that
        // the event-time path has nothing left to alert on for this silent period.
        out.collect(alert(latestArrived.value()));
        forgetKey(ctx.timerService());
        latestInOrder.clear();
        clearArrivals();
    }

    private void clearArrivals() {
        latestArrived.clear();
        wallClockDeadline.clear();
        wallClockTimer.clear();
    }

    private Alert alert(SensorReading last) {
        String message =
                String.format(
                        "no reading for more than %s, last value %s%s",
                        AlertText.seconds(afterMillis),
                        AlertText.number(last.value()),
                        AlertText.unit(last.unit()));
        return PatternAlerts.alert(
                spec,
                last,
                last.timestamp(),
                last.timestamp() + afterMillis,
                0,
                last.value(),
                message);
    }
}
