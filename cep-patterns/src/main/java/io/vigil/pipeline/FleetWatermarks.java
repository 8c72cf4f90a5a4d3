package io.vigil.pipeline;

import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>Cost: a reading costs one map lookup (no allocation) and, when its device is among the {@code
 * quorum} newest, an update of that short list; a periodic emit costs O({@code quorum}) plus the
 * devices it forgets. Devices are kept in the order they were last heard of, so the quiet ones are
 * found at the head without a scan; a device can only be ahead of the fleet if it is among the
 * {@code quorum - 1} newest. So a subtask can hold hundreds of thousands of devices.
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
    // Least recently heard of first: the devices to forget are at the head.
    private final LinkedHashMap<DeviceKey, Device> devices = new LinkedHashMap<>(1024, 0.75f, true);
    private final DeviceKey probe = new DeviceKey();
    // The quorum devices with the newest readings, newest first (fewer while fewer are known).
    private final Device[] top;
    private int topSize;
    // The devices now found ahead of the fleet (logged once each).
    private final List<Device> ahead = new ArrayList<>();
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
        this.top = new Device[quorum];
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
        Device device = devices.get(probe.of(reading.site(), reading.device()));
        if (device == null) {
            DeviceKey key = new DeviceKey().of(reading.site(), reading.device());
            device = new Device(key);
            devices.put(key, device);
        }
        device.heardAt = now;
        if (timestamp > device.newest) {
            device.newest = timestamp;
            rank(device);
        }
        if (fleetTime != Long.MIN_VALUE && timestamp - fleetTime > outOfOrderness) {
            readingsAhead.inc();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.relativeTimeMillis();
        forgetQuiet(now);
        // The warm-up starts with the first reading, not with the first emit (which comes first).
        warmedUp =
                warmedUp
                        || devices.size() >= quorum
                        || (startedAt >= 0 && now - startedAt >= forgetAfter);
        if (devices.isEmpty() || !warmedUp) {
            return;
        }
        fleetTime = Math.max(fleetTime, top[topSize - 1].newest);
        clockLead = Math.max(0, top[0].newest - fleetTime);
        // Only a device newer than the quorum-th newest can be ahead: one of the first in top.
        for (Iterator<Device> found = ahead.iterator(); found.hasNext(); ) {
            Device device = found.next();
            if (!isAhead(device)) {
                device.ahead = false;
                found.remove();
            }
        }
        for (int i = 0; i < topSize; i++) {
            Device device = top[i];
            if (!device.ahead && isAhead(device)) {
                device.ahead = true;
                ahead.add(device);
                LOG.warn(
                        "Device {} is {} ms ahead of the fleet's event time (more than the"
                                + " out-of-orderness of {} ms): its clock is probably fast."
                                + " Its readings wait until the fleet's time reaches them;"
                                + " they do not move event time for other devices.",
                        device.key,
                        device.newest - fleetTime,
                        outOfOrderness);
            }
        }
        devicesAhead = ahead.size();
        output.emitWatermark(new Watermark(fleetTime - outOfOrderness - 1));
    }

    private boolean isAhead(Device device) {
        return device.newest - fleetTime > outOfOrderness;
    }

    /** Drops the devices not heard of for {@code forgetAfter}: the head of the access order. */
    private void forgetQuiet(long now) {
        boolean topForgotten = false;
        Iterator<Device> oldestFirst = devices.values().iterator();
        while (oldestFirst.hasNext()) {
            Device device = oldestFirst.next();
            if (now - device.heardAt <= forgetAfter) {
                break;
            }
            oldestFirst.remove();
            topForgotten |= device.topIndex >= 0;
            if (device.ahead) {
                device.ahead = false;
                ahead.remove(device);
            }
        }
        if (topForgotten) {
            // Rare: one of the newest devices went quiet. Rank the rest afresh.
            for (int i = 0; i < topSize; i++) {
                top[i].topIndex = -1;
            }
            topSize = 0;
            for (Device device : devices.values()) {
                rank(device);
            }
        }
    }

    /** Puts {@code device}, whose newest reading moved, in its place among the newest devices. */
    private void rank(Device device) {
        int at = device.topIndex;
        if (at < 0) {
            if (topSize < top.length) {
                at = topSize++;
            } else if (device.newest > top[topSize - 1].newest) {
                at = topSize - 1;
                top[at].topIndex = -1;
            } else {
                return;
            }
        }
        while (at > 0 && top[at - 1].newest < device.newest) {
            top[at] = top[at - 1];
            top[at].topIndex = at;
            at--;
        }
        top[at] = device;
        device.topIndex = at;
    }

    /**
     * A device's name, {@code site/device}. One instance is reused to look readings up, so that a
     * reading allocates nothing; stored keys are never changed.
     */
    private static final class DeviceKey {
        private String site;
        private String device;
        private int hash;

        DeviceKey of(String site, String device) {
            this.site = site;
            this.device = device;
            // Not 31 * site + device: names such as site-12/dev-7 and site-13/dev-... collide
            // by the thousand under that (the hash map's bins then turn into trees); a large odd
            // multiplier keeps sites apart.
            this.hash = site.hashCode() * 0x9E3779B9 + device.hashCode();
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DeviceKey other
                    && site.equals(other.site)
                    && device.equals(other.device);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return site + '/' + device;
        }
    }

    private static final class Device {
        final DeviceKey key;
        long newest = Long.MIN_VALUE;
        long heardAt;
        boolean ahead;
        int topIndex = -1;

        Device(DeviceKey key) {
            this.key = key;
        }
    }
}
