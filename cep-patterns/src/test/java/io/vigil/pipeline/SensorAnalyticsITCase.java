package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.TestPatterns;
import io.vigil.cep.config.PatternConfig;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.testing.CheckpointObserver;
import io.vigil.testing.MiniClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole analytics core on a parallel mini cluster with RocksDB and checkpoints: a fleet of a
 * few thousand readings with injected episodes and malformed messages in, every aggregate, alert
 * and dead letter checked exactly against values computed here from what was sent.
 */
class SensorAnalyticsITCase {

    private static final long S = 1000;
    private static final long T0 = 1_764_316_800_000L; // 2025-11-28T08:00:00Z
    private static final long DURATION = 6 * 60 * S;
    private static final int DEVICES_PER_KIND = 6;
    private static final List<String> SITES = List.of("plant-a", "plant-b");

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @TempDir static Path checkpoints;

    private static final List<SensorReading> readings = new ArrayList<>();
    private static final List<RawMessage> messages = new ArrayList<>();
    private static final Map<String, Integer> malformedByReason = new TreeMap<>();
    private static final List<Alert> expectedAlerts = new ArrayList<>();

    private static final PatternConfig PATTERNS = TestPatterns.SHIPPED_DEFAULTS;

    @BeforeAll
    static void generateFleet() {
        Random random = new Random(20251128);
        for (String site : SITES) {
            for (int d = 0; d < DEVICES_PER_KIND; d++) {
                String mic = String.format("mic-%02d", d);
                String pump = String.format("pump-%02d", d);
                for (long t = 0; t < DURATION; t += S) {
                    add(site, mic, "sound", t, 50 + 15 * random.nextDouble(), "dB");
                }
                for (long t = 0; t < DURATION; t += 5 * S) {
                    add(site, pump, "temperature", t, 39.5 + random.nextDouble(), "C");
                }
            }
        }
        injectBurst("plant-a", "mic-01", 60, 90, 95, 99, 92);
        injectBurst("plant-b", "mic-03", 120, 95, 96, 97);
        injectBurst("plant-b", "mic-03", 240, 88, 89, 90, 91, 92);
        // Two loud readings, one exactly at the threshold (quiet), one loud: no burst.
        replace("plant-a", "mic-02", 100 * S, 95);
        replace("plant-a", "mic-02", 101 * S, 96);
        replace("plant-a", "mic-02", 102 * S, 85);
        replace("plant-a", "mic-02", 103 * S, 95);
        injectDrift("plant-a", "pump-02", 100);
        injectSilence("plant-b", "pump-04", 95, 280);

        encode(random);
        addMalformed(random);
        // Arrival order: each message up to 2 s after its event time, well inside the 5 s bound.
        messages.sort(Comparator.comparingLong(RawMessage::arrivalTime));
    }

    @ParameterizedTest(name = "interruptible timers: {0}")
    @ValueSource(booleans = {false, true})
    void computesEveryAggregateAlertAndDeadLetterExactly(boolean interruptibleTimers)
            throws Exception {
        Configuration config = new Configuration();
        if (interruptibleTimers) {
            // As shipped: a watermark's timers may fire in pieces, checkpoints in between.
            config.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
            config.set(CheckpointingOptions.ENABLE_UNALIGNED_INTERRUPTIBLE_TIMERS, true);
        }
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);

        CheckpointObserver.reset();
        SensorAnalytics.Outputs out =
                new SensorAnalytics(new Configuration(), PATTERNS)
                        .apply(
                                env.fromData(messages, TypeInformation.of(RawMessage.class))
                                        .map(new CheckpointObserver<RawMessage>())
                                        .returns(RawMessage.class));
        AnalyticsRun run = AnalyticsRun.execute(env, out, "sensor analytics");

        assertThat(run.aggregates()).hasSizeGreaterThan(100);
        run.assertAggregatesOf(readings);
        assertThat(run.alerts())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("message")
                .containsExactlyInAnyOrderElementsOf(expectedAlerts);
        assertThat(run.alerts()).allSatisfy(a -> assertThat(a.message()).isNotBlank());
        Map<String, Integer> deadLettersByReason = new TreeMap<>();
        run.deadLetters().forEach(d -> deadLettersByReason.merge(d.reason(), 1, Integer::sum));
        assertThat(deadLettersByReason).isEqualTo(malformedByReason);
        assertThat(CheckpointObserver.completedCheckpoints()).isPositive();
    }

    private static void add(
            String site, String device, String metric, long t, double value, String unit) {
        readings.add(new SensorReading(site, device, metric, T0 + t, value, unit));
    }

    private static void replace(String site, String device, long t, double value) {
        for (int i = 0; i < readings.size(); i++) {
            SensorReading r = readings.get(i);
            if (r.site().equals(site) && r.device().equals(device) && r.timestamp() == T0 + t) {
                readings.set(
                        i,
                        new SensorReading(
                                site, device, r.metric(), r.timestamp(), value, r.unit()));
                return;
            }
        }
        throw new IllegalStateException("no reading to replace at " + t);
    }

    private static void injectBurst(String site, String mic, int startSecond, double... levels) {
        for (int i = 0; i < levels.length; i++) {
            replace(site, mic, (startSecond + i) * S, levels[i]);
        }
        expectedAlerts.add(
                AnalyticsRun.expectedSoundBurst(site, mic, T0 + startSecond * S, levels));
    }

    /** 20 readings rising 0.25 °C each from 38.0, below the ambient 39.5–40.5 before it. */
    private static void injectDrift(String site, String pump, int startSecond) {
        for (int i = 0; i < 20; i++) {
            replace(site, pump, (startSecond + 5L * i) * S, 38.0 + 0.25 * i);
        }
        // The first 13 readings rise by 3.0: one alert; the 7 after them rise 1.5: none.
        long start = T0 + startSecond * S;
        expectedAlerts.add(
                AnalyticsRun.expectedAlert(
                        TestPatterns.THERMAL_DRIFT,
                        site,
                        pump,
                        "temperature",
                        start,
                        start + 60 * S,
                        13,
                        41.0));
    }

    private static void injectSilence(String site, String pump, int lastSecond, int nextSecond) {
        readings.removeIf(
                r ->
                        r.site().equals(site)
                                && r.device().equals(pump)
                                && r.timestamp() > T0 + lastSecond * S
                                && r.timestamp() < T0 + nextSecond * S);
        SensorReading last =
                readings.stream()
                        .filter(
                                r ->
                                        r.site().equals(site)
                                                && r.device().equals(pump)
                                                && r.timestamp() == T0 + lastSecond * S)
                        .findFirst()
                        .orElseThrow();
        expectedAlerts.add(AnalyticsRun.expectedSilence(TestPatterns.SENSOR_SILENCE, last));
    }

    /** Single readings, and batches of three on plant-b's microphones, as JSON. */
    private static void encode(Random random) {
        Map<String, List<SensorReading>> byKey =
                readings.stream()
                        .collect(
                                Collectors.groupingBy(
                                        SensorReading::key, TreeMap::new, Collectors.toList()));
        for (List<SensorReading> keyReadings : byKey.values()) {
            keyReadings.sort(Comparator.comparingLong(SensorReading::timestamp));
            SensorReading first = keyReadings.get(0);
            String topic = "sensors/" + first.key();
            boolean batched = first.site().equals("plant-b") && first.metric().equals("sound");
            int step = batched ? 3 : 1;
            for (int i = 0; i < keyReadings.size(); i += step) {
                List<SensorReading> chunk =
                        keyReadings.subList(i, Math.min(i + step, keyReadings.size()));
                String payload =
                        chunk.stream()
                                .map(SensorAnalyticsITCase::json)
                                .collect(
                                        Collectors.joining(
                                                ",", batched ? "[" : "", batched ? "]" : ""));
                long arrival =
                        chunk.get(chunk.size() - 1).timestamp() + random.nextInt((int) (2 * S));
                messages.add(RawMessage.of(topic, payload, arrival));
            }
        }
    }

    private static void addMalformed(Random random) {
        String[][] cases = {
            {"malformed-json", "sensors/plant-a/mic-00/sound", "{\"ts\": 1, \"value\": "},
            {"missing-value", "sensors/plant-a/mic-00/sound", "{\"ts\": %d}"},
            {
                "non-numeric-value",
                "sensors/plant-a/pump-00/temperature",
                "{\"ts\": %d, \"value\": \"hot\"}"
            },
            {"non-finite-value", "sensors/plant-b/mic-00/sound", "{\"ts\": %d, \"value\": NaN}"},
            {
                "bad-timestamp",
                "sensors/plant-b/mic-00/sound",
                "{\"ts\": \"yesterday\", \"value\": 1}"
            },
            {
                "future-timestamp",
                "sensors/plant-b/pump-00/temperature",
                "{\"ts\": 4102444800000, \"value\": 1}"
            },
            {"bad-topic", "sensors/plant-b/pump-00", "{\"ts\": %d, \"value\": 1}"},
            {"empty", "sensors/plant-a/mic-05/sound", "[]"},
        };
        for (String[] c : cases) {
            for (int i = 0; i < 4; i++) {
                long arrival = T0 + 10 * S + random.nextInt((int) (DURATION - 20 * S));
                messages.add(RawMessage.of(c[1], String.format(c[2], arrival - S), arrival));
                malformedByReason.merge(c[0], 1, Integer::sum);
            }
        }
    }

    private static String json(SensorReading r) {
        return String.format(
                "{\"ts\":%d,\"value\":%s,\"unit\":\"%s\"}", r.timestamp(), r.value(), r.unit());
    }
}
