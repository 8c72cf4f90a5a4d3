package io.vigil.cep;

import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raises a {@link SilencePattern} alert for a key when event time passes its latest reading by
 * {@code after}, or, when event time has stalled, when wall-clock time passes that reading's
 * arrival by {@code after} plus a grace; then forgets the key.
 *
 * <p>Timers move lazily: each kind has at most one pending timer per key, and a timer that fires
 * before the current deadline (because newer readings moved it) re-registers at the deadline, which
 * costs less than deleting and re-creating a timer for every reading.
 */
final class SilenceDetector extends KeyedProcessFunction<String, SensorReading, Alert> {

    private static final long serialVersionUID = 1L;

    private final SilenceSpec spec;
    private final long afterMillis;
    private final long graceMillis;

    private transient ValueState<SensorReading> latest;
    private transient ValueState<Long> eventTimer;
    private transient ValueState<Long> wallClockDeadline;
    private transient ValueState<Long> wallClockTimer;

    SilenceDetector(SilenceSpec spec, long graceMillis) {
        this.spec = spec;
        this.afterMillis = spec.after().toMillis();
        this.graceMillis = graceMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        latest =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "latest", TypeInformation.of(SensorReading.class)));
        eventTimer =
                getRuntimeContext().getState(new ValueStateDescriptor<>("event-timer", Types.LONG));
        wallClockDeadline =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("wall-clock-deadline", Types.LONG));
        wallClockTimer =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("wall-clock-timer", Types.LONG));
    }

    @Override
    public void processElement(SensorReading reading, Context ctx, Collector<Alert> out)
            throws Exception {
        SensorReading previous = latest.value();
        if (previous == null || reading.timestamp() >= previous.timestamp()) {
            latest.update(reading);
        }
        long eventDeadline = latest.value().timestamp() + afterMillis;
        if (eventTimer.value() == null) {
            eventTimer.update(eventDeadline);
            ctx.timerService().registerEventTimeTimer(eventDeadline);
        }
        long wallDeadline = ctx.timerService().currentProcessingTime() + afterMillis + graceMillis;
        wallClockDeadline.update(wallDeadline);
        if (wallClockTimer.value() == null) {
            wallClockTimer.update(wallDeadline);
            ctx.timerService().registerProcessingTimeTimer(wallDeadline);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        SensorReading last = latest.value();
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            long deadline = last.timestamp() + afterMillis;
            if (timestamp < deadline) {
                eventTimer.update(deadline);
                ctx.timerService().registerEventTimeTimer(deadline);
                return;
            }
        } else {
            long deadline = wallClockDeadline.value();
            if (timestamp < deadline) {
                wallClockTimer.update(deadline);
                ctx.timerService().registerProcessingTimeTimer(deadline);
                return;
            }
        }
        out.collect(alert(last));
        // The timer of the other kind is deleted, not left to find empty state, so that a key that
        // stops sending leaves neither state nor timers behind.
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            ctx.timerService().deleteProcessingTimeTimer(wallClockTimer.value());
        } else {
            ctx.timerService().deleteEventTimeTimer(eventTimer.value());
        }
        latest.clear();
        eventTimer.clear();
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
        return new Alert(
                spec.name(),
                spec.type(),
                spec.severity(),
                last.site(),
                last.device(),
                last.metric(),
                last.timestamp(),
                last.timestamp() + afterMillis,
                0,
                last.value(),
                message);
    }
}
