package io.vigil.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil run}'s local cluster ({@link LocalRun}, the code path of {@link RunCommand}) with
 * the job configuration of {@code jobs/vigil.example.yaml}, which names no state backend and no
 * checkpoint directory.
 */
class LocalRunITCase {

    /** Keys times bytes per key: 12 MB of keyed state, over the JobManager's 5 MB cap. */
    private static final int KEYS = 1_500;

    private static final int BYTES_PER_KEY = 8 * 1024;

    /** The JobManager's in-memory checkpoint storage refuses state larger than this. */
    private static final long FIVE_MB = 5L * 1024 * 1024;

    private static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

    @TempDir Path dir;

    @Test
    void checkpointsStateOverFiveMegabytesWithoutARestart() throws Exception {
        Path stateDir = dir.resolve("vigil-state");
        try (LogCapture log = LogCapture.start(Level.WARN);
                LocalRun run = LocalRun.start(LocalRun.withLocalState(jobConfig(), stateDir))) {
            JobID job = run.submit(LocalRunITCase::bigState, "big-state");

            CheckpointStatsSnapshot stats = awaitCheckpoints(run, job, 2);

            assertThat(failures(run, job)).as("failures that restarted the job").isEmpty();
            assertThat(stats.getCounts().getNumberOfCompletedCheckpoints())
                    .as("completed checkpoints")
                    .isGreaterThanOrEqualTo(2);
            assertThat(stats.getHistory().getLatestCompletedCheckpoint().getStateSize())
                    .as("state size of the last checkpoint")
                    .isGreaterThan(FIVE_MB);
            assertThat(run.cluster().getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);
            try (Stream<Path> checkpoints = Files.list(stateDir.resolve("checkpoints"))) {
                assertThat(checkpoints).as("checkpoints under the state folder").isNotEmpty();
            }
            run.cluster().cancelJob(job).get();
        }
    }

    @Test
    void aRestartIsAWarningWithItsCauseAndCount() throws Exception {
        FAILED_ONCE.set(false);
        Configuration config = LocalRun.withLocalState(jobConfig(), dir.resolve("vigil-state"));
        config.setString("restart-strategy.type", "fixed-delay");
        config.setString("restart-strategy.fixed-delay.attempts", "1");
        config.setString("restart-strategy.fixed-delay.delay", "100ms");
        try (LogCapture log = LogCapture.start(Level.WARN);
                LocalRun run = LocalRun.start(config)) {
            JobID job =
                    run.submit(
                            env ->
                                    env.fromSequence(1, 10)
                                            .map(LocalRunITCase::failOnce)
                                            .sinkTo(new DiscardingSink<>()),
                            "fails-once");

            JobResult result = run.awaitEnd(job);

            assertThat(result.isSuccess()).as("the job ends after one restart").isTrue();
            assertThat(log.lines())
                    .filteredOn(line -> line.logger().equals(LocalRun.class.getName()))
                    .singleElement()
                    .satisfies(
                            line -> {
                                assertThat(line.level()).isEqualTo(Level.WARN);
                                assertThat(line.text())
                                        .contains("restarts from its last completed checkpoint")
                                        .contains("(restart 1)")
                                        .contains("boom on purpose");
                            });
        }
    }

    /** As {@code jobs/vigil.example.yaml}: a checkpoint interval, nothing about state. */
    private static Configuration jobConfig() {
        Configuration config = new Configuration();
        config.setString("execution.checkpointing.interval", "1s");
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.PORT, 0);
        config.setString("parallelism.default", "1");
        return config;
    }

    private static void bigState(StreamExecutionEnvironment env) {
        env.fromSequence(0, Long.MAX_VALUE)
                .map(LocalRunITCase::slowly)
                .keyBy(n -> n % KEYS)
                .process(new BigValuePerKey())
                .sinkTo(new DiscardingSink<>());
    }

    private static long slowly(long n) throws InterruptedException {
        // About a thousand readings a second: every key within two seconds, little CPU.
        Thread.sleep(1);
        return n;
    }

    private static long failOnce(long n) {
        if (n == 5 && FAILED_ONCE.compareAndSet(false, true)) {
            throw new IllegalStateException("boom on purpose");
        }
        return n;
    }

    private static CheckpointStatsSnapshot awaitCheckpoints(LocalRun run, JobID job, int count)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            CheckpointStatsSnapshot stats =
                    run.cluster().getExecutionGraph(job).get().getCheckpointStatsSnapshot();
            boolean restarted =
                    run.cluster()
                            .getExecutionGraphInfo(job)
                            .get()
                            .getExceptionHistory()
                            .iterator()
                            .hasNext();
            if (restarted || overFiveMegabytes(stats, count) || System.nanoTime() > deadline) {
                return stats;
            }
            Thread.sleep(200);
        }
    }

    /** At least {@code count} completed checkpoints, the latest of them over 5 MB. */
    private static boolean overFiveMegabytes(CheckpointStatsSnapshot stats, int count) {
        return stats != null
                && stats.getCounts().getNumberOfCompletedCheckpoints() >= count
                && stats.getHistory().getLatestCompletedCheckpoint() != null
                && stats.getHistory().getLatestCompletedCheckpoint().getStateSize() > FIVE_MB;
    }

    private static List<String> failures(LocalRun run, JobID job) throws Exception {
        List<String> failures = new ArrayList<>();
        run.cluster()
                .getExecutionGraphInfo(job)
                .get()
                .getExceptionHistory()
                .forEach(entry -> failures.add(entry.getException().toString()));
        return failures;
    }

    /** Keeps 8 KB of random bytes per key: state that neither compresses nor stays small. */
    private static final class BigValuePerKey extends KeyedProcessFunction<Long, Long, Long> {

        private transient ValueState<byte[]> value;
        private transient Random random;

        @Override
        public void open(OpenContext context) {
            value = getRuntimeContext().getState(new ValueStateDescriptor<>("big", byte[].class));
            random = new Random(42);
        }

        @Override
        public void processElement(Long n, Context context, Collector<Long> out) throws Exception {
            if (value.value() == null) {
                byte[] bytes = new byte[BYTES_PER_KEY];
                random.nextBytes(bytes);
                value.update(bytes);
                out.collect(n);
            }
        }
    }
}
