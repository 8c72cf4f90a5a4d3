package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.InfluxDbExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * InfluxDB goes down for 30 s in the middle of a stream: the job back-pressures and retries, does
 * not fail, and in the end the database holds exactly what a fault-free run writes.
 */
class InfluxDbSinkOutageITCase {

    private static final int POINTS = 2000;
    private static final int BATCH = 50;
    private static final int IN_FLIGHT = 2;

    /** How many elements the source has made so far (the MiniCluster runs in this JVM). */
    private static final AtomicLong GENERATED = new AtomicLong();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.oneTaskManager(1);

    @Test
    void backPressuresAndRetriesThroughAnOutageAndEndsWithWhatAFaultFreeRunWrites()
            throws Exception {
        INFLUXDB.createDatabase("outage");
        INFLUXDB.createDatabase("reference");

        JobClient job = start("outage", RateLimiterStrategy.perSecond(100));
        awaitPoints("outage", 300);

        INFLUXDB.stop();
        long stoppedAt = System.nanoTime();
        Thread.sleep(5_000);
        long generatedEarlyInOutage = GENERATED.get();
        sleepUntil(stoppedAt + TimeUnit.SECONDS.toNanos(30));
        long generatedLateInOutage = GENERATED.get();
        assertThat(job.getJobStatus().get()).as("still running, retrying").hasToString("RUNNING");
        INFLUXDB.start();

        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        // The source stops once the batch being filled and the in-flight batches are full.
        assertThat(generatedLateInOutage - generatedEarlyInOutage)
                .as("elements made in the last 25 s of the outage")
                .isLessThanOrEqualTo(BATCH);
        assertThat(generatedEarlyInOutage).isLessThan(POINTS);

        start("reference", RateLimiterStrategy.noOp())
                .getJobExecutionResult()
                .get(3, TimeUnit.MINUTES);
        List<Map<String, Object>> reference = INFLUXDB.query("reference", "SELECT * FROM readings");
        assertThat(reference).hasSize(POINTS);
        assertThat(INFLUXDB.query("outage", "SELECT * FROM readings")).isEqualTo(reference);
    }

    private static JobClient start(String database, RateLimiterStrategy rate) throws Exception {
        StreamExecutionEnvironment env = InfluxDbSinkITCase.noRestarts();
        env.enableCheckpointing(500);
        env.fromSource(
                        new DataGeneratorSource<>(
                                InfluxDbSinkOutageITCase::generate,
                                POINTS,
                                rate,
                                TypeInformation.of(Long.class)),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .sinkTo(
                        InfluxDbSink.<Long>builder()
                                .setUrl(INFLUXDB.url())
                                .setDatabase(database)
                                .set(InfluxDbSinkOptions.BATCH_MAX_POINTS, BATCH)
                                .set(
                                        InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL,
                                        Duration.ofMillis(200))
                                .set(InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES, IN_FLIGHT)
                                .set(InfluxDbSinkOptions.CONNECT_TIMEOUT, Duration.ofSeconds(1))
                                .set(InfluxDbSinkOptions.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                                .set(InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS, 1000)
                                .set(InfluxDbSinkOptions.RETRY_MAX_DURATION, Duration.ofMinutes(2))
                                .set(
                                        InfluxDbSinkOptions.RETRY_INITIAL_BACKOFF,
                                        Duration.ofMillis(100))
                                .set(InfluxDbSinkOptions.RETRY_MAX_BACKOFF, Duration.ofSeconds(1))
                                .setConverter(n -> TestReading.simple(n).toPoint("readings"))
                                .build());
        return env.executeAsync("sink " + database);
    }

    private static Long generate(Long index) {
        GENERATED.incrementAndGet();
        return index;
    }

    private static void awaitPoints(String database, long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<Map<String, Object>> rows =
                    INFLUXDB.query(database, "SELECT count(id) FROM readings");
            if (!rows.isEmpty() && ((Number) rows.get(0).get("count")).longValue() >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("fewer than " + count + " points arrived in 60 s");
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
