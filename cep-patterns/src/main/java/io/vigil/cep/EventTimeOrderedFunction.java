package io.vigil.cep;

import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Hands each key's readings to {@link #processInOrder} in event-time order (ties in arrival order),
 * once the watermark has passed them, and calls {@link #expire} when the watermark has passed the
 * key's latest processed reading by {@code retention} without a newer one.
 *
 * <p>The annotations computed here (a reading's predecessor, a running baseline) must follow event
 * time, not arrival time, to be exact under out-of-order input; CEP downstream orders by event time
 * the same way, so its "next reading" is the reading this function saw next. A reading at or below
 * the current watermark cannot be ordered any more: it is dropped and counted in the metric {@code
 * numLateRecordsDropped} (upstream removes late readings, so this only guards the contract).
 */
abstract class EventTimeOrderedFunction<OUT>
        extends KeyedProcessFunction<String, SensorReading, OUT> {

    private static final long serialVersionUID = 1L;

    private final long retentionMillis;

    private transient MapState<Long, List<SensorReading>> pending;
    private transient ValueState<Long> lastTimestamp;
    private transient ValueState<Long> cleanupTimer;
    private transient Counter lateRecordsDropped;

    EventTimeOrderedFunction(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    /** Called once per reading, in event-time order; emitted records get its timestamp. */
    protected abstract void processInOrder(SensorReading reading, Collector<OUT> out)
            throws Exception;

    /**
     * Called when event time has passed the key's latest processed reading by the retention time;
     * must clear the subclass's keyed state (readings still waiting for the watermark stay).
     */
    protected abstract void expire(OnTimerContext ctx, Collector<OUT> out) throws Exception;

    /** True while readings of the current key wait for the watermark. */
    protected final boolean hasPendingReadings() throws Exception {
        return !pending.isEmpty();
    }

    /** Drops the current key's waiting readings, this class's state and its timers. */
    protected final void forgetKey(TimerService timers) throws Exception {
        for (Long timestamp : pending.keys()) {
            timers.deleteEventTimeTimer(timestamp);
        }
        Long cleanupAt = cleanupTimer.value();
        if (cleanupAt != null) {
            timers.deleteEventTimeTimer(cleanupAt);
        }
        pending.clear();
        lastTimestamp.clear();
        cleanupTimer.clear();
    }

    /** Event time of the reading handed to {@link #processInOrder} before this one, if kept. */
    protected final Long previousTimestamp() throws Exception {
        return lastTimestamp.value();
    }

    /** A value state of the current key, declared under {@code name}, for {@code open}. */
    protected final <T> ValueState<T> valueState(String name, TypeInformation<T> type) {
        return getRuntimeContext().getState(new ValueStateDescriptor<>(name, type));
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending",
                                        Types.LONG,
                                        Types.LIST(TypeInformation.of(SensorReading.class))));
        lastTimestamp = valueState("last-timestamp", Types.LONG);
        cleanupTimer = valueState("cleanup-timer", Types.LONG);
        lateRecordsDropped = getRuntimeContext().getMetricGroup().counter("numLateRecordsDropped");
    }

    @Override
    public void processElement(SensorReading reading, Context ctx, Collector<OUT> out)
            throws Exception {
        long timestamp = reading.timestamp();
        if (timestamp <= ctx.timerService().currentWatermark()) {
            lateRecordsDropped.inc();
            return;
        }
        List<SensorReading> atTimestamp = pending.get(timestamp);
        if (atTimestamp == null) {
            atTimestamp = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(timestamp);
        }
        atTimestamp.add(reading);
        pending.put(timestamp, atTimestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        if (ctx.timeDomain() != TimeDomain.EVENT_TIME) {
            return;
        }
        // Timers fire in timestamp order, so draining exactly this timestamp keeps event-time
        // order.
        List<SensorReading> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            for (SensorReading reading : due) {
                processInOrder(reading, out);
                lastTimestamp.update(timestamp);
            }
        }
        Long cleanupAt = cleanupTimer.value();
        if (cleanupAt == null) {
            if (due != null) {
                scheduleCleanup(ctx, timestamp + retentionMillis);
            }
        } else if (cleanupAt == timestamp) {
            // One cleanup timer per key, moved lazily: cheaper than deleting and re-registering a
            // timer per reading, and never deletes a timer that a pending reading shares.
            long quietUntil = lastTimestamp.value() + retentionMillis;
            if (quietUntil <= timestamp) {
                lastTimestamp.clear();
                cleanupTimer.clear();
                expire(ctx, out);
            } else {
                scheduleCleanup(ctx, quietUntil);
            }
        }
    }

    private void scheduleCleanup(OnTimerContext ctx, long at) throws Exception {
        cleanupTimer.update(at);
        ctx.timerService().registerEventTimeTimer(at);
    }
}
