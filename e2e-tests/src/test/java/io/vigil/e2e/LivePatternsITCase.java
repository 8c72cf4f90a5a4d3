package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pattern files edited while the job runs (real Mosquitto, mini cluster at parallelism 2, real
 * InfluxDB): a threshold changed and a pattern added, an invalid file, a pattern removed. Each
 * phase's alerts are those of the set in force, the job never restarts, every change is a {@code
 * pattern_changes} point, and the aggregates count every reading.
 */
class LivePatternsITCase {

    private static final long MINUTE = 60_000;
    private static final String DATABASE = "vigil_live";

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder().withMaxInflightMessages(1000).build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir Path tmp;

    @Test
    void editedPatternFilesTakeEffectWithoutARestart() throws Exception {
        Path patterns = tmp.resolve("patterns.yaml");
        Files.writeString(patterns, file(burst("loud", 85)));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(2)
                                .withRandomPorts()
                                .build());
        cluster.start();
        try (cluster;
                MosquittoTestPublisher publisher =
                        MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            JobSetup setup =
                    JobSetup.fromArgs(
                            new String[] {
                                "--mqtt.broker-uris",
                                MOSQUITTO.uri(),
                                "--mqtt.qos",
                                "1",
                                "--mqtt.client-id-prefix",
                                "vigil-live",
                                "--influxdb.url",
                                INFLUXDB.url(),
                                "--influxdb.database",
                                DATABASE,
                                "--influxdb.create-database",
                                "true",
                                "--patterns.files",
                                patterns.toString(),
                                "--patterns.watch-interval",
                                "500ms",
                                "--execution.checkpointing.interval",
                                "1s",
                                "--execution.checkpointing.dir",
                                tmp.resolve("checkpoints").toUri().toString()
                            });
            TestStreamEnvironment env =
                    new TestStreamEnvironment(cluster, setup.config(), 2, List.of(), List.of());
            SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
            JobClient job = env.executeAsync("live-patterns");
            ReaderProbe.awaitSubscribed(publisher, INFLUXDB, DATABASE, "sensors/probe");
            long t0 = (System.currentTimeMillis() / MINUTE - 30) * MINUTE;

            phase(publisher, t0);
            awaitCount("SELECT count(peak) FROM alerts WHERE state = 'firing'", 2);

            Files.writeString(patterns, file(burst("loud", 93) + burst("very-loud", 95)));
            awaitCount("SELECT count(version) FROM pattern_changes", 1);
            phase(publisher, t0 + MINUTE);
            awaitCount("SELECT count(peak) FROM alerts WHERE state = 'firing'", 4);

            Files.writeString(patterns, file(burst("loud", 93).replace("threshold", "treshold")));
            awaitCount("SELECT count(version) FROM pattern_changes", 2);
            phase(publisher, t0 + 2 * MINUTE);
            awaitCount("SELECT count(peak) FROM alerts WHERE state = 'firing'", 6);

            Files.writeString(patterns, file(burst("very-loud", 95)));
            awaitCount("SELECT count(version) FROM pattern_changes", 3);
            phase(publisher, t0 + 3 * MINUTE);
            awaitCount("SELECT count(peak) FROM alerts WHERE state = 'firing'", 7);
            // Past the last window: every aggregate is written.
            ClockTicks.publish(publisher, t0 + 5 * MINUTE);
            awaitCount("SELECT count(\"count\") FROM sensor_aggregates WHERE site = 'plant-a'", 8);
            // Anything wrongly added would come within a few checkpoints.
            Thread.sleep(3_000);

            assertThat(INFLUXDB.query(DATABASE, "SELECT * FROM alerts WHERE state = 'firing'"))
                    .extracting(
                            row -> row.get("pattern"),
                            row -> row.get("device"),
                            row -> (long) GroundTruth.number(row, "started_at") - t0)
                    .as("each phase alerts with the set in force")
                    .containsExactlyInAnyOrder(
                            tuple("loud", "mic-1", 1_000L),
                            tuple("loud", "mic-2", 1_000L),
                            tuple("loud", "mic-2", MINUTE + 1_000),
                            tuple("very-loud", "mic-2", MINUTE + 1_000),
                            tuple("loud", "mic-2", 2 * MINUTE + 1_000),
                            tuple("very-loud", "mic-2", 2 * MINUTE + 1_000),
                            tuple("very-loud", "mic-2", 3 * MINUTE + 1_000));
            List<Map<String, Object>> changes =
                    INFLUXDB.query(DATABASE, "SELECT * FROM pattern_changes");
            assertThat(changes)
                    .extracting(
                            row -> row.get("outcome"),
                            row -> ((Number) row.get("version")).longValue(),
                            row -> row.get("patterns"))
                    .containsExactly(
                            tuple("accepted", 1L, "loud,very-loud"),
                            tuple("rejected", 1L, "loud,very-loud"),
                            tuple("accepted", 2L, "very-loud"));
            assertThat((String) changes.get(1).get("error")).contains("treshold");
            assertThat(
                            INFLUXDB.query(
                                    DATABASE,
                                    "SELECT sum(\"count\") FROM sensor_aggregates"
                                            + " WHERE site = 'plant-a'"))
                    .extracting(row -> ((Number) row.get("sum")).longValue())
                    .as("every reading of the four phases aggregated once")
                    .containsExactly(24L);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            assertThat(
                            cluster.getExecutionGraph(job.getJobID())
                                    .get()
                                    .getStatusTimestamp(JobStatus.RESTARTING))
                    .as("never restarted")
                    .isZero();
            job.cancel().get();
        }
    }

    /** A burst at 90 on mic-1 and at 96 on mic-2, then the clock past it. */
    private static void phase(MosquittoTestPublisher publisher, long start) {
        double[][] values = {{90, 90, 70}, {96, 96, 70}};
        for (int device = 0; device < 2; device++) {
            for (int i = 0; i < 3; i++) {
                publisher.publish(
                        "sensors/plant-a/mic-" + (device + 1) + "/sound",
                        String.format(
                                "{\"ts\": %d, \"value\": %s}",
                                start + (i + 1) * 1_000, values[device][i]),
                        1);
            }
        }
        ClockTicks.publish(publisher, start + 30_000);
    }

    private static String burst(String name, int threshold) {
        return String.format(
                "  - name: %s%n    type: burst%n    metrics: [sound]%n    threshold: %d%n"
                        + "    min-events: 2%n    within: 10s%n",
                name, threshold);
    }

    private static String file(String patterns) {
        return "patterns:\n" + patterns;
    }

    private static void awaitCount(String influxql, long expected) throws Exception {
        Await.until(
                () -> count(influxql) >= expected,
                Duration.ofSeconds(60),
                () ->
                        String.format(
                                "%s: expected %d, got %d", influxql, expected, count(influxql)));
    }

    private static long count(String influxql) {
        return INFLUXDB.count(DATABASE, influxql);
    }
}
