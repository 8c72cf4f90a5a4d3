package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.TestPatterns;
import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.WindowAggregate;
import io.vigil.parsing.FuzzPayloads;
import io.vigil.parsing.ParseFunction;
import io.vigil.parsing.ParseResult;
import io.vigil.parsing.SensorMessageParser;
import io.vigil.testing.MiniClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzed messages ({@link FuzzPayloads}) through the whole analytics core on a mini cluster with
 * RocksDB and checkpoints, no restarts allowed: the job must finish, and every message must be
 * accounted for, exactly, as the readings the parser makes of it (counted in the aggregates, or
 * {@code late} dead letters) and as its dead letters with their reasons.
 *
 * <p>Each message's device level is made unique ({@code f<index>-<device>}) and each arrives at its
 * own millisecond, so every aggregate and dead letter leads back to its message. {@value
 * #DEFAULT_MESSAGES} messages in the normal suite; the {@code fuzz} profile runs 10^4 ({@code
 * -Dvigil.fuzz.job-messages}). Figures: {@code target/fuzz/job-fuzz.txt} and stdout.
 */
class SensorAnalyticsFuzzITCase {

    static final long DEFAULT_MESSAGES = 2_000;

    /** The seed of the normal suite. */
    static final long DEFAULT_SEED = 20261203;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @TempDir static Path checkpoints;

    @Test
    void everyFuzzedMessageEndsAsCountedReadingsOrDeadLettersAndTheJobNeverFails()
            throws Exception {
        long messages = Long.getLong("vigil.fuzz.job-messages", DEFAULT_MESSAGES);
        long seed = Long.getLong("vigil.fuzz.seed", DEFAULT_SEED);
        FuzzedMessages generator = new FuzzedMessages(seed);

        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        // Any failure fails the run instead of being retried: 0 restarts is part of the claim.
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);

        SensorAnalytics.Outputs out =
                new SensorAnalytics(new Configuration(), TestPatterns.SHIPPED_DEFAULTS)
                        .apply(
                                env.fromSource(
                                                new DataGeneratorSource<>(
                                                        generator,
                                                        messages,
                                                        RateLimiterStrategy.noOp(),
                                                        TypeInformation.of(RawMessage.class)),
                                                WatermarkStrategy.noWatermarks(),
                                                "Fuzzed messages")
                                        .setParallelism(1)
                                        .uid("fuzzed-messages"));
        Instant started = Instant.now();
        long start = System.nanoTime();
        AnalyticsRun run = AnalyticsRun.execute(env, out, "fuzzed sensor analytics");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // What the parser makes of each message, computed here without Flink.
        SensorMessageParser parser = SensorMessageParser.withDefaults();
        long[] expectedReadings = new long[(int) messages];
        List<List<String>> expectedReasons = new ArrayList<>();
        Map<String, Long> expectedByReason = new TreeMap<>();
        for (int i = 0; i < messages; i++) {
            ParseResult result = parser.parse(generator.map((long) i));
            expectedReadings[i] = result.readings().size();
            List<String> reasons = result.deadLetters().stream().map(DeadLetter::reason).toList();
            expectedReasons.add(reasons);
            reasons.forEach(r -> expectedByReason.merge(r, 1L, Long::sum));
        }

        long[] aggregated = new long[(int) messages];
        for (WindowAggregate a : run.aggregates()) {
            aggregated[messageOfDevice(a.device())] += a.count();
        }
        long[] late = new long[(int) messages];
        Map<Integer, List<DeadLetter>> parserDeadLetters = new HashMap<>();
        Map<String, Long> deadLettersByReason = new TreeMap<>();
        for (DeadLetter d : run.deadLetters()) {
            deadLettersByReason.merge(d.reason(), d.count(), Long::sum);
            if (d.reason().equals(DeadLetterReason.LATE.code())) {
                late[messageOfDevice(d.topic().split("/", 4)[2])] += d.count();
            } else {
                long offset = d.arrivalTime() - FuzzPayloads.FIRST_ARRIVAL;
                assertThat(offset % FuzzPayloads.ARRIVAL_STEP).as("arrival of %s", d).isZero();
                parserDeadLetters
                        .computeIfAbsent(
                                (int) (offset / FuzzPayloads.ARRIVAL_STEP), k -> new ArrayList<>())
                        .add(d);
            }
        }

        long readings = 0;
        long aggregatedTotal = 0;
        long lateTotal = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            readings += expectedReadings[i];
            aggregatedTotal += aggregated[i];
            lateTotal += late[i];
            if (aggregated[i] + late[i] != expectedReadings[i]) {
                mismatches.add(
                        String.format(
                                "message %d: %d readings parsed, %d aggregated + %d late",
                                i, expectedReadings[i], aggregated[i], late[i]));
            }
            List<String> reasons = expectedReasons.get(i);
            List<DeadLetter> got = parserDeadLetters.getOrDefault(i, List.of());
            List<String> gotReasons = got.stream().map(DeadLetter::reason).toList();
            long represented = got.stream().mapToLong(DeadLetter::count).sum();
            int kept = Math.min(reasons.size(), ParseFunction.MAX_DEAD_LETTERS_PER_MESSAGE);
            List<String> keptReasons = new ArrayList<>(reasons.subList(0, kept));
            if (reasons.size() > kept) {
                keptReasons.add(reasons.get(kept));
            }
            if (represented != reasons.size()
                    || !sortedCopy(gotReasons).equals(sortedCopy(keptReasons))) {
                mismatches.add(
                        String.format(
                                "message %d: dead letters %s expected, got %s standing for %d",
                                i, keptReasons, gotReasons, represented));
            }
        }

        String figures =
                String.join(
                        "\n",
                        "run: fuzzed messages through SensorAnalytics on a MiniCluster"
                                + " (parallelism 2, RocksDB, checkpoints every 500 ms, no"
                                + " restarts)",
                        "started: " + started,
                        "seed: " + seed,
                        "messages: " + messages,
                        "duration: " + String.format("%.1f s", took.toMillis() / 1000.0),
                        "readings parsed: " + readings,
                        "readings in aggregates: " + aggregatedTotal,
                        "late dead letters: " + lateTotal,
                        "aggregates: " + run.aggregates().size(),
                        "alerts: " + (run.alerts().size() + run.resolved().size()),
                        "dead letters (incl. summarised) by reason: " + deadLettersByReason,
                        "dead letters emitted: " + run.deadLetters().size(),
                        "job failures and restarts: 0 (restart strategy none, the job finished)",
                        "messages not accounted for: " + mismatches.size(),
                        "");
        Files.createDirectories(Path.of("target", "fuzz"));
        Files.writeString(Path.of("target", "fuzz", "job-fuzz.txt"), figures);
        System.out.print(figures);

        assertThat(mismatches).as(figures).isEmpty();
        Map<String, Long> parserByReason = new TreeMap<>(deadLettersByReason);
        parserByReason.remove(DeadLetterReason.LATE.code());
        assertThat(parserByReason).isEqualTo(expectedByReason);
        assertThat(aggregatedTotal + lateTotal).isEqualTo(readings);
        assertThat(aggregatedTotal).as("some fuzzed readings reach the windows").isPositive();
    }

    private static List<String> sortedCopy(List<String> list) {
        return list.stream().sorted().toList();
    }

    private static int messageOfDevice(String device) {
        return Integer.parseInt(device.substring(1, device.indexOf('-')));
    }

    /**
     * Message {@code i} of the fuzzer, its device renamed {@code f<i>-<device>} when its topic has
     * the contract's shape; a pure function of the seed and the index.
     */
    static final class FuzzedMessages implements GeneratorFunction<Long, RawMessage> {
        private static final long serialVersionUID = 1L;

        private final long seed;

        FuzzedMessages(long seed) {
            this.seed = seed;
        }

        @Override
        public RawMessage map(Long index) {
            RawMessage message = FuzzPayloads.input(seed, index).message();
            String topic = message.topic();
            if (topic != null) {
                String[] levels = topic.split("/", -1);
                if (levels.length == 4 && !levels[2].isEmpty()) {
                    levels[2] = "f" + index + "-" + levels[2];
                    topic = String.join("/", levels);
                }
            }
            return new RawMessage(topic, message.payload(), message.arrivalTime());
        }
    }
}
