package io.vigil.pipeline;

import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.clock.RelativeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watermarks that follow the fleet's clock, not the fastest device's: event time is the newest
 * reading time that at least {@code quorum} devices have reached, minus the out-of-orderness.
 *
 * <p>A plain bounded-out-of-orderness watermark follows the newest reading of any device, so one
 * device whose clock runs minutes ahead pulls event time ahead and makes everybody else's readings
 * late. Here a device counts once, by its newest reading, and event time moves only as far as the
 * {@code quorum}-th newest device: fewer than {@code quorum} devices with fast clocks cannot move
 * it. Their readings are not dropped; they stay ahead of the watermark, wait in window and pattern
 * state, and are aggregated and matched when the fleet's time reaches them. Because the rule only
 * compares devices with each other, it holds the same way live and while a backlog is replayed far
 * behind the wall clock. Details and limits: {@code docs/event-time.md}.
 *
 * <p>A device not heard of for {@code forgetAfter} (wall-clock time) stops counting, so that a
 * device going quiet does not hold event time back. A subtask that has heard fewer than {@code
 * quorum} devices emits no watermark for its first {@code forgetAfter}, so that a fast clock that
 * happens to send first cannot set event time either; after that, fewer devices suffice (a fleet of
 * one is its own quorum).
 *
 * <p>Metrics on the operator's group: {@code readingsAheadOfFleet} (readings that arrived more than
 * the out-of-orderness ahead of the fleet's event time), {@code devicesAheadOfFleet} and {@code
 * fleetClockLead} (how far, in ms, the newest device is ahead of the fleet) and {@code
 * fleetTimeLag} (how far, in ms, the fleet's event time is behind this machine's clock: live, the
 * delay from a reading's time to its arrival here; while a backlog is replayed, how far behind the
 * replay is). A device found ahead is logged once at WARN until it falls back in line.
 *
 * <pre>{@code
 * readings.assignTimestampsAndWatermarks(
 *         FleetWatermarks.strategy(Duration.ofSeconds(5), 2, Duration.ofMinutes(1)));
 * }</pre>
 */
public class FleetWatermarks implements WatermarkGenerator<SensorReading> {

    public static final String READINGS_AHEAD_OF_FLEET = "readingsAheadOfFleet";
    public static final String DEVICES_AHEAD_OF_FLEET = "devicesAheadOfFleet";
    public static final String FLEET_CLOCK_LEAD = "fleetClockLead";
    public static final String FLEET_TIME_LAG = "fleetTimeLag";

    private static final Logger LOG = LoggerFactory.getLogger(FleetWatermarks.class);

    private final long outOfOrderness;
    private final int quorum;
    private final long forgetAfter;
    private final RelativeClock clock;
    private final Map<String, Device> devices = new HashMap<>();
    private final Counter readingsAhead;

    private volatile long fleetTime = Long.MIN_VALUE;
    private long startedAt = -1;
    private boolean warmedUp;
    private int devicesAhead;
    private long clockLead;

    FleetWatermarks(
            Duration outOfOrderness,
            int quorum,
            Duration forgetAfter,
            RelativeClock clock,
            MetricGroup metrics) {
        this.outOfOrderness = outOfOrderness.toMillis();
        this.quorum = quorum;
        this.forgetAfter = forgetAfter.toMillis();
        this.clock = clock;
        this.readingsAhead = metrics.counter(READINGS_AHEAD_OF_FLEET);
        metrics.gauge(DEVICES_AHEAD_OF_FLEET, () -> devicesAhead);
        metrics.gauge(FLEET_CLOCK_LEAD, () -> clockLead);
        metrics.gauge(
                FLEET_TIME_LAG,
                () -> fleetTime == Long.MIN_VALUE ? 0L : System.currentTimeMillis() - fleetTime);
    }

    /**
     * Fleet watermarks on the readings' own timestamps; a source split with no readings for {@code
     * idleness} stops holding back the watermark, and a device not heard of for that long stops
     * counting towards the quorum.
     */
    public static WatermarkStrategy<SensorReading> strategy(
            Duration outOfOrderness, int quorum, Duration idleness) {
        if (quorum < 1) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s must be at least 1, got %d",
                            SensorAnalyticsOptions.WATERMARK_QUORUM.key(), quorum));
        }
        return WatermarkStrategy.<SensorReading>forGenerator(
                        ctx ->
                                new FleetWatermarks(
                                        outOfOrderness,
                                        quorum,
                                        idleness,
                                        ctx.getInputActivityClock(),
                                        ctx.getMetricGroup()))
                .withTimestampAssigner((reading, ts) -> reading.timestamp())
                .withIdleness(idleness);
    }

    @Override
    public void onEvent(SensorReading reading, long timestamp, WatermarkOutput output) {
        long now = clock.relativeTimeMillis();
        if (startedAt < 0) {
            startedAt = now;
        }
        Device device =
                devices.computeIfAbsent(reading.site() + '/' + reading.device(), d -> new Device());
        device.newest = Math.max(device.newest, timestamp);
        device.heardAt = now;
        if (fleetTime != Long.MIN_VALUE && timestamp - fleetTime > outOfOrderness) {
            readingsAhead.inc();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.relativeTimeMillis();
        devices.values().removeIf(d -> now - d.heardAt > forgetAfter);
        warmedUp = warmedUp || devices.size() >= quorum || now - startedAt >= forgetAfter;
        if (devices.isEmpty() || !warmedUp) {
            return;
        }
        fleetTime = Math.max(fleetTime, newestReachedByQuorum());
        devicesAhead = 0;
        clockLead = 0;
        for (Map.Entry<String, Device> entry : devices.entrySet()) {
            Device device = entry.getValue();
            long lead = device.newest - fleetTime;
            clockLead = Math.max(clockLead, lead);
            boolean ahead = lead > outOfOrderness;
            if (ahead) {
                devicesAhead++;
                if (!device.ahead) {
                    LOG.warn(
                            "Device {} is {} ms ahead of the fleet's event time (more than the"
                                    + " out-of-orderness of {} ms): its clock is probably fast."
                                    + " Its readings wait until the fleet's time reaches them;"
                                    + " they do not move event time for other devices.",
                            entry.getKey(),
                            lead,
                            outOfOrderness);
                }
            }
            device.ahead = ahead;
        }
        output.emitWatermark(new Watermark(fleetTime - outOfOrderness - 1));
    }

    /** The newest reading time of the {@code quorum}-th newest device (of the last, if fewer). */
    private long newestReachedByQuorum() {
        PriorityQueue<Long> newest = new PriorityQueue<>(quorum + 1);
        for (Device device : devices.values()) {
            newest.add(device.newest);
            if (newest.size() > quorum) {
                newest.poll();
            }
        }
        return newest.peek();
    }

    private static final class Device {
        long newest = Long.MIN_VALUE;
        long heardAt;
        boolean ahead;
    }
}
