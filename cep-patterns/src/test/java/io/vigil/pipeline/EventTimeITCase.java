package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.TestPatterns;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.testing.MiniClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event time on a parallel mini cluster when the fleet is not clean: one device whose clock runs
 * minutes ahead, and a source subtask that comes back from idleness with old readings. Every
 * reading must end up in an aggregate or a dead letter, and nobody else's results may change.
 */
class EventTimeITCase {

    private static final long S = 1000;
    private static final long T0 = 1_764_316_800_000L; // 2025-11-28T08:00:00Z
    private static final String SITE = "plant-a";
    private static final String SKEWED = "mic-09";
    private static final String PAUSE = "pause";

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    private static final SilenceSpec PUMP_SILENCE =
            new SilenceSpec(
                    "pump-silence", "critical", List.of("temperature"), Duration.ofMinutes(2));

    private static final PatternConfig PATTERNS =
            new PatternConfig(List.of(TestPatterns.SOUND_BURST, PUMP_SILENCE));

    /**
     * The fleet's clocks agree except one microphone's, which runs 5 minutes ahead (half the
     * parser's default future bound) and sends in the first minute of the run. Its readings keep
     * their own time: they wait in window and pattern state until the fleet's event time reaches
     * them, and are aggregated and matched there like everybody else's.
     */
    @Test
    void aDeviceWithAFastClockCostsNoOtherDeviceAReadingOrAnAlert() throws Exception {
        Fleet fleet = new Fleet(new Random(20251210));
        for (int d = 0; d < 5; d++) {
            fleet.sendEvery(String.format("mic-%02d", d), "sound", "dB", 0, 6 * 60, 1, 50, 15);
        }
        for (int d = 0; d < 4; d++) {
            fleet.sendEvery(
                    String.format("pump-%02d", d), "temperature", "C", 0, 6 * 60, 5, 39.5, 1);
        }
        fleet.burst("mic-01", 60, 90, 95, 99, 92);
        fleet.burst("mic-03", 150, 95, 96, 97);
        fleet.burst("mic-04", 250, 88, 89, 90, 91, 92);
        fleet.silence("pump-02", 95, 280);

        long skew = 5 * 60 * S;
        fleet.sendEvery(SKEWED, "sound", "dB", 10, 70, 1, 50, 15);
        fleet.burst(SKEWED, 40, 91, 93, 95);
        fleet.skewClock(SKEWED, skew);

        AnalyticsRun out = run(fleet.messages(), new Configuration(), false);

        assertThat(out.deadLetters()).as("dead letters").isEmpty();
        out.assertAggregatesOf(fleet.readings);
        assertThat(out.alerts())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("message")
                .containsExactlyInAnyOrderElementsOf(fleet.expectedAlerts);
    }

    /**
     * One source subtask gets no readings for longer than the idleness timeout, so the windows and
     * patterns downstream follow the other subtask's watermark; when readings far behind that
     * watermark come back on the idle subtask, they must become {@code late} dead letters rather
     * than vanish in the windows.
     */
    @Test
    void readingsOfASubtaskBackFromIdlenessAreLateDeadLettersNotDroppedSilently() throws Exception {
        Fleet fleet = new Fleet(new Random(20251211));
        fleet.sendEvery("mic-00", "sound", "dB", 0, 60, 1, 50, 15);
        List<RawMessage> messages = new ArrayList<>(fleet.messages());
        // mic-00 keeps the first subtask busy for about 3 s of wall-clock time while the second,
        // which carries only mic-01, has nothing to do and goes idle.
        Fleet slow = new Fleet(new Random(1));
        slow.sendEvery("mic-00", "sound", "dB", 60, 240, 1, 50, 15);
        for (RawMessage message : slow.messages()) {
            messages.add(RawMessage.of(PAUSE, "", 0));
            messages.add(message);
        }
        Fleet behind = new Fleet(new Random(2));
        behind.sendEvery("mic-01", "sound", "dB", 0, 30, 1, 50, 15);
        messages.addAll(behind.messages());

        Configuration config = new Configuration();
        config.set(SensorAnalyticsOptions.IDLENESS, Duration.ofMillis(200));
        AnalyticsRun out = run(messages, config, true);

        long aggregated = out.aggregates().stream().mapToLong(WindowAggregate::count).sum();
        int sent = fleet.readings.size() + slow.readings.size() + behind.readings.size();
        assertThat(out.deadLetters())
                .allSatisfy(
                        d -> {
                            assertThat(d.reason()).isEqualTo("late");
                            assertThat(d.topic()).isEqualTo("sensors/plant-a/mic-01/sound");
                        });
        assertThat(aggregated + out.deadLetters().size())
                .as(
                        "readings aggregated (%d) plus late dead letters (%d)",
                        aggregated, out.deadLetters().size())
                .isEqualTo(sent);
    }

    /**
     * Runs the pipeline on the messages, paced by one source thread; {@code pinMic01} gives mic-01
     * the second subtask to itself (so that a test can starve that subtask), otherwise messages are
     * spread round-robin as a shared MQTT subscription spreads them.
     */
    private static AnalyticsRun run(
            List<RawMessage> messages, Configuration analytics, boolean pinMic01) throws Exception {
        StreamExecutionEnvironment env = MiniClusters.environment(2);

        DataStream<RawMessage> paced =
                env.fromData(messages, TypeInformation.of(RawMessage.class))
                        .flatMap(new Pacer())
                        .returns(RawMessage.class)
                        .setParallelism(1);
        DataStream<RawMessage> raw =
                pinMic01
                        ? paced.partitionCustom(
                                (topic, partitions) -> topic.contains("/mic-01/") ? 1 : 0,
                                RawMessage::topic)
                        : paced.rebalance();
        SensorAnalytics.Outputs out = new SensorAnalytics(analytics, PATTERNS).apply(raw);
        return AnalyticsRun.execute(env, out, "event time");
    }

    /** Sleeps 15 ms at each {@code pause} message and passes every other message on. */
    private static final class Pacer implements FlatMapFunction<RawMessage, RawMessage> {

        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(RawMessage message, Collector<RawMessage> out) throws Exception {
            if (message.topic().equals(PAUSE)) {
                Thread.sleep(15);
            } else {
                out.collect(message);
            }
        }
    }

    /** A seeded fleet of one site: readings, the messages that carry them, the alerts expected. */
    private static final class Fleet {

        private final Random random;
        private final List<SensorReading> readings = new ArrayList<>();
        private final List<Alert> expectedAlerts = new ArrayList<>();
        private final Map<String, Long> skews = new TreeMap<>();

        Fleet(Random random) {
            this.random = random;
        }

        /** Readings every {@code step} seconds in {@code [from, to)}, uniform in base + spread. */
        void sendEvery(
                String device,
                String metric,
                String unit,
                int from,
                int to,
                int step,
                double base,
                double spread) {
            for (int t = from; t < to; t += step) {
                readings.add(
                        new SensorReading(
                                SITE,
                                device,
                                metric,
                                T0 + t * S,
                                base + spread * random.nextDouble(),
                                unit));
            }
        }

        void burst(String mic, int startSecond, double... levels) {
            for (int i = 0; i < levels.length; i++) {
                replace(mic, T0 + (startSecond + i) * S, levels[i]);
            }
            expectedAlerts.add(
                    AnalyticsRun.expectedSoundBurst(SITE, mic, T0 + startSecond * S, levels));
        }

        void silence(String pump, int lastSecond, int nextSecond) {
            readings.removeIf(
                    r ->
                            r.device().equals(pump)
                                    && r.timestamp() > T0 + lastSecond * S
                                    && r.timestamp() < T0 + nextSecond * S);
            SensorReading last = find(pump, T0 + lastSecond * S);
            expectedAlerts.add(AnalyticsRun.expectedSilence(PUMP_SILENCE, last));
        }

        /**
         * The device's clock runs {@code skew} ahead: its readings and alerts carry the skewed
         * time, but they arrive when the true time says.
         */
        void skewClock(String device, long skew) {
            skews.put(device, skew);
            readings.replaceAll(
                    r ->
                            r.device().equals(device)
                                    ? new SensorReading(
                                            r.site(),
                                            r.device(),
                                            r.metric(),
                                            r.timestamp() + skew,
                                            r.value(),
                                            r.unit())
                                    : r);
            expectedAlerts.replaceAll(
                    a ->
                            a.device().equals(device)
                                    ? new Alert(
                                            a.pattern(),
                                            a.type(),
                                            a.severity(),
                                            a.site(),
                                            a.device(),
                                            a.metric(),
                                            a.startedAt() + skew,
                                            a.endedAt() + skew,
                                            a.events(),
                                            a.peak(),
                                            null)
                                    : a);
        }

        /** One message per reading, arriving up to 2 s after its true time, in arrival order. */
        List<RawMessage> messages() {
            List<RawMessage> messages = new ArrayList<>();
            for (SensorReading r : readings) {
                long trueTime = r.timestamp() - skews.getOrDefault(r.device(), 0L);
                messages.add(
                        RawMessage.of(
                                "sensors/" + r.key(),
                                String.format(
                                        "{\"ts\":%d,\"value\":%s,\"unit\":\"%s\"}",
                                        r.timestamp(), r.value(), r.unit()),
                                trueTime + random.nextInt((int) (2 * S))));
            }
            messages.sort(Comparator.comparingLong(RawMessage::arrivalTime));
            return messages.stream().collect(Collectors.toList());
        }

        private void replace(String device, long timestamp, double value) {
            SensorReading r = find(device, timestamp);
            readings.set(
                    readings.indexOf(r),
                    new SensorReading(r.site(), device, r.metric(), timestamp, value, r.unit()));
        }

        private SensorReading find(String device, long timestamp) {
            return readings.stream()
                    .filter(r -> r.device().equals(device) && r.timestamp() == timestamp)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(device + " at " + timestamp));
        }
    }
}
