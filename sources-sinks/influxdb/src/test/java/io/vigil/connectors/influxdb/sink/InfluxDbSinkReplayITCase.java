package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.InfluxDbExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job fails after a checkpoint, restores from it and writes the elements since then again: the
 * deterministic timestamps make the second writes overwrite, so the database holds every point
 * once.
 */
class InfluxDbSinkReplayITCase {

    private static final int POINTS = 3000;
    private static final AtomicLong CONVERTED = new AtomicLong();
    private static final AtomicInteger COMPLETED_CHECKPOINTS = new AtomicInteger();
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.oneTaskManager(1);

    @Test
    void restoringFromACheckpointReplaysWithoutDuplicates() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(300);
        env.fromSource(
                        new DataGeneratorSource<>(
                                n -> n,
                                POINTS,
                                RateLimiterStrategy.perSecond(1000),
                                TypeInformation.of(Long.class)),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .map(new FailOnceAfterACheckpoint())
                .sinkTo(
                        InfluxDbSink.<Long>builder()
                                .setUrl(INFLUXDB.url())
                                .setDatabase("replay")
                                .set(InfluxDbSinkOptions.CREATE_DATABASE, true)
                                .set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 20)
                                .setConverter(
                                        n -> {
                                            CONVERTED.incrementAndGet();
                                            return TestReading.simple(n).toPoint("readings");
                                        })
                                .build());
        env.execute("replay");

        assertThat(FAILED).isTrue();
        assertThat(CONVERTED.get())
                .as("points written twice after the restore")
                .isGreaterThan(POINTS);
        List<Map<String, Object>> rows = INFLUXDB.query("replay", "SELECT * FROM readings");
        assertThat(rows).hasSize(POINTS);
        for (int i = 0; i < POINTS; i++) {
            Map<String, Object> row = rows.get(i);
            TestReading expected = TestReading.simple(i);
            assertThat(((Number) row.get("time")).longValue()).isEqualTo(TestReading.BASE_TIME + i);
            assertThat(((Number) row.get("id")).longValue()).isEqualTo(i);
            assertThat(row.get("note")).isEqualTo(expected.note);
            assertThat(row.get("value")).isEqualTo(expected.value);
        }
    }

    /** Throws once, at the 1500th element, after a checkpoint has completed. */
    private static final class FailOnceAfterACheckpoint
            implements MapFunction<Long, Long>, CheckpointListener {
        private static final long serialVersionUID = 1L;

        @Override
        public Long map(Long n) {
            if (n >= 1500 && COMPLETED_CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("planned failure to restore from the checkpoint");
            }
            return n;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED_CHECKPOINTS.incrementAndGet();
        }
    }
}
