package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.e2e.cluster.FlinkProcessCluster;
import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pattern files edited while the job runs (real Mosquitto, real InfluxDB), once on a mini cluster
 * and once on the real process cluster (JobManager and TaskManager JVMs, the shaded jar submitted
 * over REST): a threshold changed and a pattern added, an invalid file, a pattern removed. Each
 * phase's alerts are those of the set in force, the job never restarts, every change is a {@code
 * pattern_changes} point, and the aggregates count every reading.
 */
class LivePatternsITCase {

    private static final long MINUTE = 60_000;

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder().withMaxInflightMessages(1000).build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir Path tmp;

    @Test
    void onAMiniClusterEditedPatternFilesTakeEffectWithoutARestart() throws Exception {
        String database = "vigil_live";
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
        try (cluster) {
            JobSetup setup =
                    JobSetup.fromArgs(
                            jobArgs(database, "vigil-live", patterns).toArray(new String[0]));
            TestStreamEnvironment env =
                    new TestStreamEnvironment(cluster, setup.config(), 2, List.of(), List.of());
            SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
            JobClient job = env.executeAsync("live-patterns");

            editPatternsWhileReadingsFlow(database, patterns);

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

    @Test
    void onTheProcessClusterEditedPatternFilesTakeEffectWithoutARestart() throws Exception {
        String database = "vigil_live_cluster";
        Path patterns = tmp.resolve("patterns.yaml");
        Files.writeString(patterns, file(burst("loud", 85)));
        try (FlinkProcessCluster cluster =
                FlinkProcessCluster.builder()
                        .setWorkDir(Files.createDirectories(tmp.resolve("flink")))
                        .setTaskManagers(1)
                        .setSlotsPerTaskManager(2)
                        .setCheckpointInterval(Duration.ofSeconds(2))
                        .build()
                        .start()) {
            String jarId = cluster.uploadJar(jobJar());
            List<String> args = new ArrayList<>(jobArgs(database, "vigil-live-cluster", patterns));
            args.addAll(List.of("--parallelism.default", "2"));
            JobID job = cluster.run(jarId, args);

            editPatternsWhileReadingsFlow(database, patterns);

            assertThat(cluster.jobStatus(job)).isEqualTo(JobStatus.RUNNING);
            assertThat(cluster.checkpoints(job).restored())
                    .as("never restored from a checkpoint: no restart")
                    .isZero();
            assertThat(cluster.failures(job)).as("no failure").isEmpty();
            cluster.cancel(job);
        }
    }

    /**
     * Four phases of readings with the set in force changed between them; checks the alerts of each
     * phase, the {@code pattern_changes} points and that every reading was aggregated once.
     */
    private void editPatternsWhileReadingsFlow(String database, Path patterns) throws Exception {
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            ReaderProbe.awaitSubscribed(publisher, INFLUXDB, database, "sensors/probe");
            long t0 = (System.currentTimeMillis() / MINUTE - 30) * MINUTE;

            phase(publisher, t0);
            awaitCount(database, "SELECT count(peak) FROM alerts WHERE state = 'firing'", 2);

            Files.writeString(patterns, file(burst("loud", 93) + burst("very-loud", 95)));
            awaitCount(database, "SELECT count(version) FROM pattern_changes", 1);
            phase(publisher, t0 + MINUTE);
            awaitCount(database, "SELECT count(peak) FROM alerts WHERE state = 'firing'", 4);

            Files.writeString(patterns, file(burst("loud", 93).replace("threshold", "treshold")));
            awaitCount(database, "SELECT count(version) FROM pattern_changes", 2);
            phase(publisher, t0 + 2 * MINUTE);
            awaitCount(database, "SELECT count(peak) FROM alerts WHERE state = 'firing'", 6);

            Files.writeString(patterns, file(burst("very-loud", 95)));
            awaitCount(database, "SELECT count(version) FROM pattern_changes", 3);
            phase(publisher, t0 + 3 * MINUTE);
            awaitCount(database, "SELECT count(peak) FROM alerts WHERE state = 'firing'", 7);
            // Past the last window: every aggregate is written.
            ClockTicks.publish(publisher, t0 + 5 * MINUTE);
            awaitCount(
                    database,
                    "SELECT count(\"count\") FROM sensor_aggregates WHERE site = 'plant-a'",
                    8);
            // Anything wrongly added would come within a few checkpoints.
            Thread.sleep(3_000);

            assertThat(INFLUXDB.query(database, "SELECT * FROM alerts WHERE state = 'firing'"))
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
                    INFLUXDB.query(database, "SELECT * FROM pattern_changes");
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
                                    database,
                                    "SELECT sum(\"count\") FROM sensor_aggregates"
                                            + " WHERE site = 'plant-a'"))
                    .extracting(row -> ((Number) row.get("sum")).longValue())
                    .as("every reading of the four phases aggregated once")
                    .containsExactly(24L);
        }
    }

    private List<String> jobArgs(String database, String clientIdPrefix, Path patterns) {
        return List.of(
                "--mqtt.broker-uris",
                MOSQUITTO.uri(),
                "--mqtt.qos",
                "1",
                "--mqtt.client-id-prefix",
                clientIdPrefix,
                "--influxdb.url",
                INFLUXDB.url(),
                "--influxdb.database",
                database,
                "--influxdb.create-database",
                "true",
                "--patterns.files",
                patterns.toString(),
                "--patterns.watch-interval",
                "500ms",
                "--execution.checkpointing.interval",
                "1s",
                "--execution.checkpointing.dir",
                tmp.resolve("checkpoints").toUri().toString());
    }

    private static Path jobJar() {
        Path jar = Path.of(System.getProperty("vigil.job.jar"));
        assertThat(jar).as("the job jar for flink run, built by the jobs module").isRegularFile();
        return jar;
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

    private static void awaitCount(String database, String influxql, long expected)
            throws Exception {
        Await.until(
                () -> INFLUXDB.count(database, influxql) >= expected,
                Duration.ofSeconds(60),
                () ->
                        String.format(
                                "%s: expected %d, got %d",
                                influxql, expected, INFLUXDB.count(database, influxql)));
    }
}
