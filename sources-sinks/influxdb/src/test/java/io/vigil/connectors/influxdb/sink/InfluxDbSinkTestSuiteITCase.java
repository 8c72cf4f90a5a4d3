package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.InfluxDbExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.testframe.environment.ClusterControllable;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.environment.TestEnvironment;
import org.apache.flink.connector.testframe.environment.TestEnvironmentSettings;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkExternalContext;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink's sink test suite at at-least-once against a real InfluxDB: basic sink, restart from a
 * savepoint, scale up and down, the numRecordsSend metric; plus a TaskManager failover case, which
 * Flink 2.3's {@link SinkTestSuiteBase} does not have (its source suite does), written here with
 * the suite's own cluster control. Exactly-once is not declared: the sink is at-least-once, and its
 * replays are idempotent because points carry deterministic timestamps.
 */
class InfluxDbSinkTestSuiteITCase extends SinkTestSuiteBase<String> {

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestContext
    ExternalContextFactory<InfluxDbSinkExternalContext> influxDb =
            testName -> new InfluxDbSinkExternalContext(INFLUXDB);

    @TestSemantics CheckpointingMode[] semantics = {CheckpointingMode.AT_LEAST_ONCE};

    @TestTemplate
    @DisplayName("Test sink with a TaskManager failover")
    public void testTaskManagerFailover(
            TestEnvironment testEnv,
            DataStreamSinkExternalContext<String> externalContext,
            ClusterControllable controller,
            CheckpointingMode semantic)
            throws Exception {
        TestingSinkSettings settings =
                TestingSinkSettings.builder().setCheckpointingMode(semantic).build();
        List<String> records =
                new ArrayList<>(
                        externalContext.generateTestData(
                                settings, ThreadLocalRandom.current().nextLong()));
        StreamExecutionEnvironment env =
                testEnv.createExecutionEnvironment(
                        TestEnvironmentSettings.builder()
                                .setConnectorJarPaths(externalContext.getConnectorJarPaths())
                                .build());
        env.enableCheckpointing(50);
        env.fromSource(
                        new DataGeneratorSource<>(
                                index -> records.get(index.intValue()),
                                records.size(),
                                RateLimiterStrategy.perSecond(50),
                                externalContext.getProducedType()),
                        WatermarkStrategy.noWatermarks(),
                        "slow source")
                .setParallelism(1)
                .sinkTo(
                        ((DataStreamSinkV2ExternalContext<String>) externalContext)
                                .createSink(settings))
                .setParallelism(2);
        JobClient job = env.executeAsync("TaskManager failover");

        List<String> beforeFailover = new ArrayList<>();
        ExternalSystemDataReader<String> reader = externalContext.createSinkDataReader(settings);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (beforeFailover.size() < records.size() / 4 && System.nanoTime() < deadline) {
            beforeFailover.addAll(reader.poll(Duration.ofMillis(200)));
        }
        assertThat(beforeFailover).as("written before the failover").isNotEmpty();

        controller.triggerTaskManagerFailover(job, () -> {});

        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
        checkResultWithSemantic(externalContext.createSinkDataReader(settings), records, semantic);
    }
}
