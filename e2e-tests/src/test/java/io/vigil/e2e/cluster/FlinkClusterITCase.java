package io.vigil.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.e2e.ClockTicks;
import io.vigil.e2e.FleetMessages;
import io.vigil.e2e.GroundTruth;
import io.vigil.e2e.ReaderProbe;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged job on a real Flink session cluster: a JobManager and two TaskManagers as separate
 * processes, configured from {@code flink-conf/config.yaml}, the shaded jar submitted over the REST
 * API as {@code flink run} does, reading a real Mosquitto and writing a real InfluxDB. A
 * TaskManager process is killed mid-run and nothing is lost; a savepoint carries a half-seen burst
 * into a new run of the job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlinkClusterITCase {

    private static final String CLOCK_SITE = ClockTicks.SITE;
    private static final String AGGREGATE_COUNT =
            "SELECT count(\"count\") FROM sensor_aggregates WHERE site != '" + CLOCK_SITE + "'";

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder()
                    .withMaxQueuedMessages(100_000)
                    .withMaxInflightMessages(1000)
                    .build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir static Path tmp;

    private static FlinkProcessCluster cluster;
    private static String jarId;

    @BeforeAll
    static void startClusterAndUploadTheJobJar() throws Exception {
        cluster =
                FlinkProcessCluster.builder()
                        .setWorkDir(Files.createDirectories(tmp.resolve("flink")))
                        // One slot each: at parallelism 2 both TaskManagers run tasks, so killing
                        // either takes running tasks with it.
                        .setTaskManagers(2)
                        .setSlotsPerTaskManager(1)
                        // Not below config.yaml's min-pause (2 s), which would stretch it.
                        .setCheckpointInterval(Duration.ofSeconds(2))
                        .build()
                        .start();
        jarId = cluster.uploadJar(findJobJar());
    }

    @AfterAll
    static void stopEveryProcess() {
        if (cluster == null) {
            return;
        }
        List<Process> started = cluster.processes();
        cluster.close();
        assertThat(started).as("JobManager, TaskManagers and their helpers").hasSizeGreaterThan(3);
        assertThat(started).as("processes still alive after the test").noneMatch(Process::isAlive);
    }

    @Test
    @Order(1)
    void aKilledTaskManagerProcessLosesNoAlertAndNoAggregate() throws Exception {
        FleetSimulation simulation =
                FleetSimulation.generate(
                        SimulationSpec.builder()
                                .setSites(1)
                                .setDevicesPerSite(16)
                                .setDuration(Duration.ofMinutes(5))
                                .setSeed(20261128)
                                .setBursts(4)
                                .setDrifts(2)
                                .setSilences(1)
                                .build());
        String database = "vigil_failover";
        JobID job = cluster.run(jarId, List.of("--config", jobConfig("failover", 2).toString()));
        try (AutoCloseable cancel = cluster.cancelling(job);
                MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            awaitSubscribed(probe, database, "sensors/probe");
            List<SimulatedMessage> messages = simulation.messages();
            int half = messages.size() / 2;
            FleetMessages.publish(MOSQUITTO.uri(), messages.subList(0, half));
            await(
                    () ->
                            INFLUXDB.count(
                                            database,
                                            "SELECT count(peak) FROM alerts WHERE state = 'firing'")
                                    > 0,
                    Duration.ofSeconds(60),
                    () -> "no alert from the first half of the simulation");
            await(
                    () -> cluster.checkpoints(job).completed() >= 2,
                    Duration.ofSeconds(30),
                    () -> "no completed checkpoints");

            cluster.killTaskManager(0);
            cluster.startTaskManager();
            await(
                    () ->
                            cluster.checkpoints(job).restored() > 0
                                    && cluster.jobStatus(job) == JobStatus.RUNNING,
                    Duration.ofSeconds(120),
                    () -> "the job did not recover from a checkpoint after losing a TaskManager");

            FleetMessages.publish(MOSQUITTO.uri(), messages.subList(half, messages.size()));
            ClockTicks.publish(probe, simulation.spec().endMillis() + 90_000);
            int windows = GroundTruth.expectedAggregates(simulation).size();
            int alerts =
                    simulation.episodes().size()
                            - simulation.episodes(Episode.Kind.MALFORMED).size();
            await(
                    () ->
                            INFLUXDB.count(database, AGGREGATE_COUNT) >= windows
                                    && INFLUXDB.count(
                                                    database,
                                                    "SELECT count(peak) FROM alerts WHERE state ="
                                                            + " 'firing'")
                                            >= alerts,
                    Duration.ofSeconds(120),
                    () ->
                            String.format(
                                    "expected %d aggregates and %d alerts, have %d and %d",
                                    windows,
                                    alerts,
                                    INFLUXDB.count(database, AGGREGATE_COUNT),
                                    INFLUXDB.count(
                                            database,
                                            "SELECT count(peak) FROM alerts WHERE state ="
                                                    + " 'firing'")));
            // Anything the job would wrongly add comes within a few checkpoints.
            Thread.sleep(3_000);

            assertThat(alerts).isGreaterThanOrEqualTo(5);
            GroundTruth.assertAggregatesMatchTheReadingsSent(
                    simulation,
                    INFLUXDB.query(
                            database,
                            "SELECT * FROM sensor_aggregates WHERE site != '" + CLOCK_SITE + "'"));
            GroundTruth.assertAlertsMatchTheEpisodes(
                    simulation,
                    INFLUXDB.query(database, "SELECT * FROM alerts WHERE state = 'firing'"));
            assertThat(cluster.jobStatus(job)).isEqualTo(JobStatus.RUNNING);
            assertThat(cluster.checkpoints(job).restored()).isPositive();
            assertThat(cluster.checkpointInterval(job))
                    .as("the cluster's interval: the job config sets none")
                    .isEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    @Order(2)
    void aBurstStartedBeforeASavepointEndsInTheJobRestoredFromIt() throws Exception {
        String database = "vigil_savepoint";
        // One reader: the marker below is read after the readings published before it.
        Path config = jobConfig("savepoint", 1);
        String topic = "sensors/plant-s/mic-01/sound";
        long t0 = Instant.parse("2025-11-28T09:00:10Z").toEpochMilli();

        JobID before = cluster.run(jarId, List.of("--config", config.toString()));
        String savepoint;
        try (MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            awaitSubscribed(probe, database, "sensors/probe-before");
            probe.publish(topic, reading(t0, 91.0), 1);
            probe.publish(topic, reading(t0 + 1_000, 96.5), 1);
            // Event time moves past both loud readings (5 s out-of-orderness), so the pattern
            // holds them as a partial match, not only as buffered input.
            ClockTicks.publish(probe, t0 + 6_500);
            probe.publish("sensors/marker", "after the first loud readings", 1);
            await(
                    () ->
                            INFLUXDB.count(
                                            database,
                                            "SELECT count(payload) FROM dead_letters WHERE topic ="
                                                    + " 'sensors/marker'")
                                    > 0,
                    Duration.ofSeconds(60),
                    () -> "the marker after the first loud readings was not processed");
            savepoint = cluster.stopWithSavepoint(before, tmp.resolve("savepoints"));
        }
        cluster.awaitJobStatus(before, JobStatus.FINISHED);
        assertThat(
                        INFLUXDB.count(
                                database, "SELECT count(peak) FROM alerts WHERE state = 'firing'"))
                .as("no alert from two loud readings")
                .isZero();

        JobID after =
                cluster.runFromSavepoint(jarId, List.of("--config", config.toString()), savepoint);
        try (AutoCloseable cancel = cluster.cancelling(after);
                MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            awaitSubscribed(probe, database, "sensors/probe-after");
            probe.publish(topic, reading(t0 + 7_000, 99.0), 1);
            probe.publish(topic, reading(t0 + 8_000, 93.0), 1);
            probe.publish(topic, reading(t0 + 9_000, 60.0), 1);
            // Past the burst and the end of its 1-minute window, short of a 2-minute silence.
            ClockTicks.publish(probe, t0 + 60_000);
            await(
                    () ->
                            INFLUXDB.count(
                                                    database,
                                                    "SELECT count(peak) FROM alerts WHERE state ="
                                                            + " 'firing'")
                                            > 0
                                    && INFLUXDB.count(
                                                    database,
                                                    "SELECT count(\"count\") FROM"
                                                            + " sensor_aggregates WHERE device ="
                                                            + " 'mic-01'")
                                            > 0,
                    Duration.ofSeconds(60),
                    () -> "no alert and aggregate after the restore");
            Thread.sleep(3_000);

            // Were the messages read before the savepoint delivered again, the marker would be a
            // second dead letter (with a new arrival time), and redelivered loud readings could
            // pass for restored state.
            assertThat(
                            INFLUXDB.count(
                                    database,
                                    "SELECT count(payload) FROM dead_letters WHERE topic ="
                                            + " 'sensors/marker'"))
                    .as("messages read before the savepoint were acknowledged, not redelivered")
                    .isEqualTo(1);
            List<Map<String, Object>> alerts =
                    INFLUXDB.query(database, "SELECT * FROM alerts WHERE state = 'firing'");
            assertThat(alerts).as("one alert for the burst").hasSize(1);
            Map<String, Object> alert = alerts.get(0);
            assertThat(alert)
                    .containsEntry("pattern", "sound-burst")
                    .containsEntry("site", "plant-s")
                    .containsEntry("device", "mic-01");
            assertThat(GroundTruth.number(alert, "started_at"))
                    .as("the first loud reading, read before the savepoint")
                    .isEqualTo(t0);
            assertThat(GroundTruth.number(alert, "ended_at")).isEqualTo(t0 + 8_000);
            assertThat(GroundTruth.number(alert, "events"))
                    .as("every loud reading once: none lost, none redelivered")
                    .isEqualTo(4);
            assertThat(GroundTruth.number(alert, "peak")).isEqualTo(99.0);

            List<Map<String, Object>> windows =
                    INFLUXDB.query(
                            database, "SELECT * FROM sensor_aggregates WHERE device = 'mic-01'");
            assertThat(windows).as("the window spanning the savepoint").hasSize(1);
            assertThat(GroundTruth.number(windows.get(0), "count")).isEqualTo(5);
            assertThat(GroundTruth.number(windows.get(0), "min")).isEqualTo(60.0);
            assertThat(INFLUXDB.query(database, "SELECT * FROM dead_letters WHERE reason = 'late'"))
                    .isEmpty();
        }
    }

    @Test
    @Order(3)
    void aSavepointThatCannotBeWrittenFailsAndLeavesTheJobRunning() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("not-a-directory"), "a file");
        JobID job = cluster.run(jarId, List.of("--config", jobConfig("unwritable", 2).toString()));
        try (AutoCloseable cancel = cluster.cancelling(job);
                MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            awaitSubscribed(probe, "vigil_unwritable", "sensors/probe");

            assertThatThrownBy(
                            () ->
                                    cluster.stopWithSavepoint(
                                            job, notADirectory.resolve("savepoints")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Savepoint of " + job + " failed");
            await(
                    () -> cluster.jobStatus(job) == JobStatus.RUNNING,
                    Duration.ofSeconds(30),
                    () -> "the job did not go on after the failed savepoint");
        }
    }

    /** The job's own config file, as an operator would write it for {@code flink run}. */
    private static Path jobConfig(String name, int parallelism) throws IOException {
        Path patterns =
                Path.of("../cep-patterns/patterns/default.yaml").toAbsolutePath().normalize();
        String yaml =
                String.join(
                        "\n",
                        "mqtt.broker-uris: " + MOSQUITTO.uri(),
                        "mqtt.topic-filters: sensors/#",
                        "mqtt.qos: 1",
                        "mqtt.client-id-prefix: vigil-" + name,
                        "mqtt.shared-subscription.group: vigil-" + name,
                        "influxdb.url: " + INFLUXDB.url(),
                        "influxdb.database: vigil_" + name,
                        "influxdb.create-database: true",
                        "patterns.files: " + patterns,
                        "analytics.idleness: 2min",
                        "patterns.silence.processing-time-grace: 1h",
                        "parallelism.default: " + parallelism,
                        "");
        Path file = tmp.resolve("vigil-" + name + ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private static String reading(long ts, double value) {
        return String.format("{\"ts\": %d, \"value\": %s, \"unit\": \"dB\"}", ts, value);
    }

    /** As {@link ReaderProbe#awaitSubscribed}, with the JobManager's log on a timeout. */
    private static void awaitSubscribed(
            MosquittoTestPublisher probe, String database, String probeTopic) throws Exception {
        await(
                ReaderProbe.deadLetterArrived(probe, INFLUXDB, database, probeTopic),
                ReaderProbe.TIMEOUT,
                () -> "no reader subscribed");
    }

    /** Waits as {@link Await#until} does, and shows the JobManager's log when it times out. */
    private static void await(Callable<Boolean> condition, Duration timeout, Supplier<String> what)
            throws Exception {
        Await.until(
                condition,
                timeout,
                () ->
                        String.format(
                                "%s%nJobManager log:%n%s",
                                what.get(), cluster.logTail("jobmanager", 80)));
    }

    private static Path findJobJar() {
        Path jar = Path.of(System.getProperty("vigil.job.jar"));
        assertThat(jar).as("the job jar for flink run, built by the jobs module").isRegularFile();
        return jar;
    }
}
