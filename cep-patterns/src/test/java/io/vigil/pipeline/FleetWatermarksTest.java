package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.model.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.streaming.runtime.operators.TimestampsAndWatermarksOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

class FleetWatermarksTest {

    private static final long S = 1000;
    private static final long T0 = 1_764_316_800_000L;
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration FORGET_AFTER = Duration.ofMinutes(1);

    private final ManualClock clock = new ManualClock();
    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private final Output output = new Output();

    @Test
    void aDeviceWithAFastClockDoesNotMoveTheWatermarkButIsCounted() {
        FleetWatermarks watermarks = generator(2);
        send(watermarks, "mic-1", 100);
        send(watermarks, "mic-2", 101);
        watermarks.onPeriodicEmit(output);
        send(watermarks, "fast", 400);
        send(watermarks, "fast", 401);
        send(watermarks, "mic-1", 102);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(100), fleetWatermark(102));
        assertThat(counter(FleetWatermarks.READINGS_AHEAD_OF_FLEET)).isEqualTo(2);
        assertAheadOfFleet(1, 299);
    }

    @Test
    void theWatermarkFollowsWhenTheFleetReachesTheFastDevicesTime() {
        FleetWatermarks watermarks = generator(2);
        send(watermarks, "mic-1", 100);
        send(watermarks, "fast", 400);
        watermarks.onPeriodicEmit(output);
        send(watermarks, "mic-1", 402);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(100), fleetWatermark(400));
        assertAheadOfFleet(0, 2);
    }

    @Test
    void aFastClockThatSendsFirstWaitsForTheQuorum() {
        FleetWatermarks watermarks = generator(2);
        send(watermarks, "fast", 400);
        watermarks.onPeriodicEmit(output);
        send(watermarks, "mic-1", 100);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(100));
    }

    @Test
    void theWarmUpStartsWithTheFirstReadingNotWithTheFirstEmit() {
        FleetWatermarks watermarks = generator(2);
        // A subtask emits periodically from the start, before any reading has come; its clock
        // (relative time, e.g. nanoTime-based) reads far from zero.
        clock.advanceTime(FORGET_AFTER.multipliedBy(10));
        watermarks.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofMillis(200));
        send(watermarks, "fast", 400);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).as("a fast clock that sends first sets nothing").isEmpty();
    }

    @Test
    void aFleetOfOneIsItsOwnQuorumAfterTheWarmUp() {
        FleetWatermarks watermarks = generator(2);
        send(watermarks, "mic-1", 100);
        watermarks.onPeriodicEmit(output);
        clock.advanceTime(FORGET_AFTER.minusMillis(1));
        send(watermarks, "mic-1", 160);
        watermarks.onPeriodicEmit(output);
        assertThat(output.watermarks).isEmpty();

        clock.advanceTime(Duration.ofMillis(1));
        watermarks.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(fleetWatermark(160));
    }

    @Test
    void aQuietDeviceIsForgottenAndStopsHoldingBackEventTime() {
        FleetWatermarks watermarks = generator(3);
        send(watermarks, "quiet", 50);
        send(watermarks, "mic-1", 100);
        send(watermarks, "mic-2", 100);
        watermarks.onPeriodicEmit(output);
        clock.advanceTime(FORGET_AFTER.plusMillis(1));
        send(watermarks, "mic-1", 110);
        send(watermarks, "mic-2", 111);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(50), fleetWatermark(110));
    }

    @Test
    void aFastDeviceThatGoesQuietIsForgottenAndTheNextNewestTakeItsPlace() {
        FleetWatermarks watermarks = generator(2);
        send(watermarks, "fast", 400);
        send(watermarks, "mic-1", 100);
        send(watermarks, "mic-2", 90);
        watermarks.onPeriodicEmit(output);
        assertThat(gauge(FleetWatermarks.DEVICES_AHEAD_OF_FLEET)).isEqualTo(1);

        clock.advanceTime(FORGET_AFTER.plusMillis(1));
        send(watermarks, "mic-1", 123);
        send(watermarks, "mic-2", 120);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(100), fleetWatermark(120));
        assertAheadOfFleet(0, 3);
    }

    @Test
    void followsTheQuorumRuleOnRandomFleets() {
        Random random = new Random(5);
        for (int run = 0; run < 200; run++) {
            int quorum = 1 + random.nextInt(4);
            // A metric group of its own: a group keeps the first gauge registered under a name.
            InterceptingOperatorMetricGroup group = new InterceptingOperatorMetricGroup();
            FleetWatermarks watermarks =
                    new FleetWatermarks(OUT_OF_ORDERNESS, quorum, FORGET_AFTER, clock, group);
            Output emitted = new Output();
            // What the rule says, computed the plain way: every device, every time.
            Map<String, long[]> devices = new HashMap<>();
            long start = -1; // the first reading starts the warm-up
            long fleetTime = Long.MIN_VALUE;
            boolean warmedUp = false;
            List<Watermark> expected = new ArrayList<>();
            for (int step = 0; step < 60; step++) {
                for (int i = random.nextInt(6); i > 0; i--) {
                    String device = "d" + random.nextInt(8);
                    long second = 100 + random.nextInt(300);
                    watermarks.onEvent(reading(device, "sound", second), T0 + second * S, emitted);
                    long[] known = devices.get(device);
                    long now = clock.relativeTimeMillis();
                    start = start < 0 ? now : start;
                    if (known == null) {
                        devices.put(device, new long[] {T0 + second * S, now});
                    } else {
                        known[0] = Math.max(known[0], T0 + second * S);
                        known[1] = now;
                    }
                }
                watermarks.onPeriodicEmit(emitted);
                long now = clock.relativeTimeMillis();
                devices.values().removeIf(d -> now - d[1] > FORGET_AFTER.toMillis());
                warmedUp =
                        warmedUp
                                || devices.size() >= quorum
                                || (start >= 0 && now - start >= FORGET_AFTER.toMillis());
                if (!devices.isEmpty() && warmedUp) {
                    List<Long> newest =
                            devices.values().stream()
                                    .map(d -> d[0])
                                    .sorted(Comparator.reverseOrder())
                                    .toList();
                    fleetTime =
                            Math.max(fleetTime, newest.get(Math.min(quorum, newest.size()) - 1));
                    long lead = Math.max(0, newest.get(0) - fleetTime);
                    long fleet = fleetTime;
                    long aheadCount =
                            newest.stream()
                                    .filter(n -> n - fleet > OUT_OF_ORDERNESS.toMillis())
                                    .count();
                    expected.add(new Watermark(fleetTime - OUT_OF_ORDERNESS.toMillis() - 1));
                    assertThat(gauge(group, FleetWatermarks.FLEET_CLOCK_LEAD).longValue())
                            .isEqualTo(lead);
                    assertThat(gauge(group, FleetWatermarks.DEVICES_AHEAD_OF_FLEET).longValue())
                            .isEqualTo(aheadCount);
                }
                clock.advanceTime(Duration.ofSeconds(random.nextInt(25)));
            }
            assertThat(emitted.watermarks).as("run %d", run).isEqualTo(expected);
        }
    }

    @Test
    void aDeviceCountsOnceWhateverItsMetrics() {
        FleetWatermarks watermarks = generator(2);
        send(watermarks, "mic-1", 100);
        watermarks.onEvent(reading("fast", "sound", 400), T0 + 400 * S, output);
        watermarks.onEvent(reading("fast", "temperature", 400), T0 + 400 * S, output);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(100));
    }

    @Test
    void aQuorumOfOneIsThePlainBoundedOutOfOrdernessWatermark() {
        FleetWatermarks watermarks = generator(1);
        send(watermarks, "mic-1", 100);
        send(watermarks, "fast", 400);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(400));
    }

    @Test
    void theWatermarkNeverGoesBack() {
        FleetWatermarks watermarks = generator(2);
        send(watermarks, "mic-1", 100);
        send(watermarks, "mic-2", 100);
        watermarks.onPeriodicEmit(output);
        clock.advanceTime(FORGET_AFTER.plusMillis(1));
        send(watermarks, "mic-3", 20);
        send(watermarks, "mic-4", 20);
        watermarks.onPeriodicEmit(output);

        assertThat(output.watermarks).containsExactly(fleetWatermark(100), fleetWatermark(100));
    }

    @Test
    void rejectsAQuorumBelowOne() {
        assertThatThrownBy(() -> FleetWatermarks.strategy(OUT_OF_ORDERNESS, 0, FORGET_AFTER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("analytics.watermark-quorum")
                .hasMessageContaining("0");
    }

    @Test
    void theStrategyStampsReadingsWithTheirTimeAndEmitsFleetWatermarks() throws Exception {
        try (OneInputStreamOperatorTestHarness<SensorReading, SensorReading> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new TimestampsAndWatermarksOperatorFactory<>(
                                FleetWatermarks.strategy(OUT_OF_ORDERNESS, 2, FORGET_AFTER),
                                true))) {
            harness.getExecutionConfig().setAutoWatermarkInterval(50);
            harness.open();
            harness.processElement(reading("mic-1", "sound", 100), 0);
            harness.processElement(reading("fast", "sound", 400), 0);
            harness.processElement(reading("mic-2", "sound", 101), 0);
            harness.setProcessingTime(50);

            assertThat(harness.extractOutputStreamRecords())
                    .extracting(r -> r.getTimestamp())
                    .containsExactly(T0 + 100 * S, T0 + 400 * S, T0 + 101 * S);
            List<Long> emitted = new ArrayList<>();
            for (Object element : harness.getOutput()) {
                if (element instanceof org.apache.flink.streaming.api.watermark.Watermark w) {
                    emitted.add(w.getTimestamp());
                }
            }
            assertThat(emitted).containsExactly(fleetWatermark(101).getTimestamp());
        }
    }

    private FleetWatermarks generator(int quorum) {
        return new FleetWatermarks(OUT_OF_ORDERNESS, quorum, FORGET_AFTER, clock, metrics);
    }

    private void send(FleetWatermarks watermarks, String device, long second) {
        watermarks.onEvent(reading(device, "sound", second), T0 + second * S, output);
    }

    private static SensorReading reading(String device, String metric, long second) {
        return new SensorReading("plant-a", device, metric, T0 + second * S, 1.0, null);
    }

    /** The watermark when the fleet has reached {@code second}. */
    private static Watermark fleetWatermark(long second) {
        return new Watermark(T0 + second * S - OUT_OF_ORDERNESS.toMillis() - 1);
    }

    private long counter(String name) {
        return ((Counter) metrics.get(name)).getCount();
    }

    /** {@code devices} ahead of the fleet, the newest {@code leadSeconds} ahead of it. */
    private void assertAheadOfFleet(int devices, long leadSeconds) {
        assertThat(gauge(FleetWatermarks.DEVICES_AHEAD_OF_FLEET)).isEqualTo(devices);
        assertThat(gauge(FleetWatermarks.FLEET_CLOCK_LEAD)).isEqualTo(leadSeconds * S);
    }

    private Number gauge(String name) {
        return gauge(metrics, name);
    }

    private static Number gauge(InterceptingOperatorMetricGroup group, String name) {
        return (Number) ((Gauge<?>) group.get(name)).getValue();
    }

    /** Keeps the watermarks a generator emits. */
    private static final class Output implements WatermarkOutput {

        final List<Watermark> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark);
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
