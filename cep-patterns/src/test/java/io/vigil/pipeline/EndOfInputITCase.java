package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.TestPatterns;
import io.vigil.model.RawMessage;
import io.vigil.model.WindowAggregate;
import io.vigil.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a bounded input with interruptible timers, as shipped: the final watermark fires many
 * keys' timers in pieces while checkpoints come every few milliseconds, and every aggregate it
 * fires must reach the sinks before they end their input (a task that emits after that fails, and
 * its restart emits again what the sinks already had).
 */
class EndOfInputITCase {

    private static final long T0 = 1_764_316_800_000L;
    private static final int KEYS = 20_000;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 1);

    @TempDir static Path checkpoints;

    @Test
    void everyTimerTheLastWatermarkFiresReachesTheSinksOnce() throws Exception {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        config.set(CheckpointingOptions.ENABLE_UNALIGNED_INTERRUPTIBLE_TIMERS, true);
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(10));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // A failed task is not hidden by a restart: the job fails with it.
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        // One reading per key, all in one minute: the end of input fires every key's window.
        List<RawMessage> messages = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            long ts = T0 + k;
            String payload =
                    String.format(Locale.ROOT, "{\"ts\":%d,\"value\":50.0,\"unit\":\"dB\"}", ts);
            messages.add(
                    new RawMessage(
                            "sensors/site-" + k / 1000 + "/dev-" + k % 1000 + "/sound",
                            payload.getBytes(StandardCharsets.UTF_8),
                            ts));
        }

        SensorAnalytics.Outputs out =
                new SensorAnalytics(new Configuration(), TestPatterns.SHIPPED_DEFAULTS)
                        .apply(env.fromData(messages, TypeInformation.of(RawMessage.class)));
        AnalyticsRun run = AnalyticsRun.execute(env, out, "end of input");

        assertThat(run.deadLetters()).isEmpty();
        assertThat(run.aggregates()).hasSize(KEYS);
        assertThat(run.aggregates().stream().map(WindowAggregate::device).distinct().count())
                .isEqualTo(1000);
    }
}
