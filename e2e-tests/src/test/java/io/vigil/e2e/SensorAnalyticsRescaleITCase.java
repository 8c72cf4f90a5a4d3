package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.PatternOptions;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.pipeline.SensorAnalytics;
import io.vigil.testing.Await;
import io.vigil.testing.CollectingSink;
import io.vigil.testing.MiniClusters;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescaling the whole job: a savepoint taken at parallelism 2 while a burst and a drift are half
 * seen, restored at parallelism 1 and at 4; what the job emitted before the savepoint plus what the
 * restored job emits must equal, as multisets (a duplicate or a loss fails), the aggregates, alerts
 * and dead letters of the same input run without a stop.
 *
 * <p>Only the public pipeline API ({@link SensorAnalytics#apply}) is used, so the test holds
 * whatever operators the pipeline is made of. The input is a simulated fleet ({@link
 * FleetSimulation}) in event-time order from one source that the test can hold at a message ({@link
 * Gate}) and that resumes from its savepoint where it stopped. The messages are partitioned by
 * topic before the pipeline, so each key's readings reach the keyed operators in one order in every
 * run: window sums are floating point, and their last bits depend on that order.
 */
class SensorAnalyticsRescaleITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 4);

    @TempDir static Path dir;

    private static List<SimulatedMessage> simulated;
    private static PatternConfig patterns;

    @BeforeAll
    static void simulate() throws Exception {
        simulated =
                FleetSimulation.generate(
                                SimulationSpec.builder()
                                        .setSites(2)
                                        .setDevicesPerSite(8)
                                        .setDuration(Duration.ofMinutes(10))
                                        .setSeed(20261203)
                                        .setBursts(16)
                                        .setDrifts(6)
                                        .setSilences(2)
                                        .setMalformedShare(0.01)
                                        .setMixedPayloads(true)
                                        .build())
                        .messages();
        patterns = PatternConfigLoader.load(Path.of("../cep-patterns/patterns/default.yaml"));
    }

    @Test
    void aSavepointAtParallelismTwoRestoredAtOneAndAtFourGivesTheFaultFreeOutputExactly()
            throws Exception {
        Outputs faultFree = new Outputs();
        execute(faultFree, 2, Gate.open(), null);
        assertThat(faultFree.deadLetters.results())
                .extracting(DeadLetter::reason)
                .as("no reading is late in any run, so every run must give the same output")
                .doesNotContain(DeadLetterReason.LATE.code());
        Cut cut = halfSeenBurstAndDrift(faultFree.alerts.results());

        // Run at parallelism 2 until the gate holds the source at the cut, then stop with a
        // savepoint: the burst's and the drift's first readings are in the job's state.
        Gate gate = Gate.closedAfter(cut.messages());
        Outputs beforeSavepoint = new Outputs();
        JobClient first = start(beforeSavepoint, 2, gate, null);
        Await.until(
                () -> gate.passed() >= cut.messages(),
                Duration.ofMinutes(3),
                () -> "the source to reach the cut, passed " + gate.passed());
        String savepoint = stopWithSavepoint(first);
        assertThat(gate.passed()).isEqualTo(cut.messages());
        assertThat(beforeSavepoint.alerts.results())
                .as("alerts ended before the savepoint")
                .isNotEmpty()
                .doesNotContain(cut.burst(), cut.drift());
        assertThat(beforeSavepoint.aggregates.results()).isNotEmpty();

        System.out.printf(
                "rescale: %d messages, savepoint at parallelism 2 after %d, half-seen %s and %s;"
                        + " fault-free run: %d aggregates, %d alerts, %d dead letters; before the"
                        + " savepoint: %d aggregates, %d alerts%n",
                simulated.size(),
                cut.messages(),
                cut.burst(),
                cut.drift(),
                faultFree.aggregates.results().size(),
                faultFree.alerts.results().size(),
                faultFree.deadLetters.results().size(),
                beforeSavepoint.aggregates.results().size(),
                beforeSavepoint.alerts.results().size());
        for (int parallelism : new int[] {1, 4}) {
            Outputs restored = new Outputs();
            execute(restored, parallelism, Gate.open(), savepoint);

            assertThat(restored.alerts.results())
                    .as("the half-seen burst and drift end after the restore at %d", parallelism)
                    .contains(cut.burst(), cut.drift());
            assertThat(concat(beforeSavepoint.aggregates.results(), restored.aggregates.results()))
                    .as("aggregates restored at parallelism %d", parallelism)
                    .containsExactlyInAnyOrderElementsOf(faultFree.aggregates.results());
            assertThat(concat(beforeSavepoint.alerts.results(), restored.alerts.results()))
                    .as("alerts restored at parallelism %d", parallelism)
                    .containsExactlyInAnyOrderElementsOf(faultFree.alerts.results());
            assertThat(
                            concat(
                                    beforeSavepoint.deadLetters.results(),
                                    restored.deadLetters.results()))
                    .as("dead letters restored at parallelism %d", parallelism)
                    .containsExactlyInAnyOrderElementsOf(faultFree.deadLetters.results());
        }
    }

    /** The three outputs of one run, each in its own collecting sink. */
    private static final class Outputs {
        final CollectingSink<WindowAggregate> aggregates = new CollectingSink<>();
        final CollectingSink<Alert> alerts = new CollectingSink<>();
        final CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    }

    /** Where to stop: after {@code messages} messages a burst and a drift are both half seen. */
    private record Cut(int messages, Alert burst, Alert drift) {}

    /**
     * The message count nearest the middle of the input after which some but not all readings of a
     * burst alert, and of a drift alert, of the fault-free run have been sent.
     */
    private static Cut halfSeenBurstAndDrift(List<Alert> alerts) {
        Cut best = null;
        for (Alert burst : ofPattern(alerts, "sound-burst")) {
            int[] b = messagesHolding(burst);
            for (Alert drift : ofPattern(alerts, "thermal-drift")) {
                int[] d = messagesHolding(drift);
                // Half seen after k messages: the first message with its readings is among the
                // first k, the last is not.
                int k = Math.max(b[0], d[0]) + 1;
                if (k <= Math.min(b[1], d[1])
                        && (best == null || fromMiddle(k) < fromMiddle(best.messages()))) {
                    best = new Cut(k, burst, drift);
                }
            }
        }
        if (best == null) {
            throw new AssertionError(
                    "No message count leaves a burst and a drift half seen; pick another seed."
                            + " Alerts: "
                            + alerts);
        }
        return best;
    }

    /** How far a cut is from the middle of the input: there, alerts lie on both sides of it. */
    private static int fromMiddle(int messages) {
        return Math.abs(messages - simulated.size() / 2);
    }

    private static List<Alert> ofPattern(List<Alert> alerts, String pattern) {
        return alerts.stream().filter(a -> a.pattern().equals(pattern)).toList();
    }

    /** The indices of the first and the last message holding a reading the alert spans. */
    private static int[] messagesHolding(Alert alert) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < simulated.size(); i++) {
            for (SensorReading r : simulated.get(i).readings()) {
                if (r.site().equals(alert.site())
                        && r.device().equals(alert.device())
                        && r.metric().equals(alert.metric())
                        && r.timestamp() >= alert.startedAt()
                        && r.timestamp() <= alert.endedAt()) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
        }
        return new int[] {first, last};
    }

    /**
     * Stops the job with a savepoint, trying again while some of its tasks are still being deployed
     * (the source may reach the cut before the keyed tasks run, on a busy machine).
     */
    private static String stopWithSavepoint(JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            try {
                return job.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(3, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                String why = ExceptionUtils.stringifyException(e);
                if (System.nanoTime() > deadline
                        || !(why.contains("Not all required tasks are currently running")
                                || why.contains("tasks not ready"))) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void execute(Outputs outputs, int parallelism, Gate gate, String savepoint)
            throws Exception {
        JobClient job = start(outputs, parallelism, gate, savepoint);
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
    }

    private static JobClient start(Outputs outputs, int parallelism, Gate gate, String savepoint)
            throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        config.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dir.resolve("checkpoints").toUri().toString());
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);

        DataStream<RawMessage> messages =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        new SimulatedMessages(simulated, gate),
                                        simulated.size(),
                                        gate,
                                        TypeInformation.of(RawMessage.class)),
                                WatermarkStrategy.noWatermarks(),
                                "Simulated fleet")
                        .setParallelism(1)
                        .uid("simulated-fleet")
                        .partitionCustom(new ByTopic(), new TopicOf());
        Configuration analytics = new Configuration();
        // The restores run minutes after the savepoint's readings arrived: the silence fallback
        // on wall-clock time must not fire for them (it is not what this test compares).
        analytics.set(PatternOptions.SILENCE_PROCESSING_TIME_GRACE, Duration.ofHours(1));
        SensorAnalytics.Outputs out = new SensorAnalytics(analytics, patterns).apply(messages);
        out.aggregates().sinkTo(outputs.aggregates).uid("collect-aggregates");
        out.alerts().sinkTo(outputs.alerts).uid("collect-alerts");
        out.deadLetters().sinkTo(outputs.deadLetters).uid("collect-dead-letters");
        return env.executeAsync("rescale p=" + parallelism);
    }

    /** The topic, the key messages are partitioned by. */
    private static final class TopicOf implements KeySelector<RawMessage, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RawMessage message) {
            return String.valueOf(message.topic());
        }
    }

    /** A fixed partition per topic, whatever the parallelism's history. */
    private static final class ByTopic implements Partitioner<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public int partition(String topic, int partitions) {
            return Math.floorMod(topic.hashCode(), partitions);
        }
    }

    /** Message {@code i} of the simulation, arriving at its event time; counts for the gate. */
    private static final class SimulatedMessages implements GeneratorFunction<Long, RawMessage> {
        private static final long serialVersionUID = 1L;

        private final String[] topics;
        private final byte[][] payloads;
        private final long[] arrivals;
        private final String gateId;

        SimulatedMessages(List<SimulatedMessage> messages, Gate gate) {
            topics = new String[messages.size()];
            payloads = new byte[messages.size()][];
            arrivals = new long[messages.size()];
            for (int i = 0; i < messages.size(); i++) {
                topics[i] = messages.get(i).topic();
                payloads[i] = messages.get(i).payload();
                arrivals[i] = messages.get(i).eventTime();
            }
            gateId = gate.id;
        }

        @Override
        public RawMessage map(Long index) {
            Gate.PASSED.get(gateId).incrementAndGet();
            int i = index.intValue();
            return new RawMessage(topics[i], payloads[i], arrivals[i]);
        }
    }

    /**
     * Lets the source emit a fixed number of messages and then holds it, without blocking its task,
     * so that a savepoint can be taken right there; the state lives in this JVM, where the mini
     * cluster runs.
     */
    private static final class Gate implements RateLimiterStrategy<NumberSequenceSplit> {
        private static final long serialVersionUID = 1L;

        static final Map<String, AtomicLong> PASSED = new ConcurrentHashMap<>();
        private static final Map<String, Long> LIMITS = new ConcurrentHashMap<>();

        final String id = UUID.randomUUID().toString();

        private Gate(long limit) {
            PASSED.put(id, new AtomicLong());
            LIMITS.put(id, limit);
        }

        static Gate open() {
            return new Gate(Long.MAX_VALUE);
        }

        static Gate closedAfter(long messages) {
            return new Gate(messages);
        }

        /** How many messages the source has emitted. */
        long passed() {
            return PASSED.get(id).get();
        }

        @Override
        public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
            long limit = LIMITS.get(id);
            return new RateLimiter<>() {
                private long permits;

                @Override
                public CompletionStage<Void> acquire(int requested) {
                    permits += requested;
                    // Never completed past the limit: the reader waits, its task stays free to
                    // take the savepoint.
                    return permits <= limit
                            ? CompletableFuture.completedFuture(null)
                            : new CompletableFuture<>();
                }
            };
        }
    }
}
