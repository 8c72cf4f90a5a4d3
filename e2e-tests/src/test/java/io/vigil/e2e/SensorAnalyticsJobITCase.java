package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.job.AlertMessages;
import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.model.Alert;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.testing.MosquittoTestSubscriber;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job end to end: the simulator publishes a fleet with injected episodes and malformed
 * messages to a real Mosquitto; the job runs on a mini cluster (parallelism 2, RocksDB,
 * checkpoints) and writes to a real InfluxDB; what InfluxDB holds is checked against the
 * simulator's ground truth. Then the same run with a TaskManager killed halfway must leave the same
 * aggregates and alerts, point for point.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SensorAnalyticsJobITCase {

    private static final String CLOCK_SITE = ClockTicks.SITE;

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder()
                    .withMaxQueuedMessages(500_000)
                    .withMaxInflightMessages(1000)
                    .build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir static Path tmp;

    private static MiniCluster cluster;
    private static FleetSimulation simulation;
    private static Run cleanRun;
    private static int taskManagersLost;

    /** What one run left in InfluxDB ({@code alerts}: firing and resolved events). */
    record Run(
            List<Map<String, Object>> aggregates,
            List<Map<String, Object>> alerts,
            List<Map<String, Object>> deadLetters,
            List<MosquittoTestSubscriber.Received> mqttAlerts) {}

    @BeforeAll
    static void startClusterAndSimulate() throws Exception {
        cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                // One slot each: at parallelism 2 both TaskManagers run tasks,
                                // so killing one always takes running tasks with it.
                                .setNumTaskManagers(2)
                                .setNumSlotsPerTaskManager(1)
                                .withRandomPorts()
                                .build());
        cluster.start();
        simulation =
                FleetSimulation.generate(
                        SimulationSpec.builder()
                                .setSites(3)
                                .setDevicesPerSite(80)
                                .setDuration(Duration.ofMinutes(6))
                                .setSeed(20261128)
                                .setBursts(24)
                                .setDrifts(8)
                                .setSilences(8)
                                .setMalformedShare(0.002)
                                .build());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void everyEpisodeGivesOneAlertAndEveryAggregateAndDeadLetterIsExact() throws Exception {
        Run run = cleanRun();

        GroundTruth.assertAggregatesMatchTheReadingsSent(simulation, run.aggregates());
        assertThat(
                        simulation.episodes().size()
                                - simulation.episodes(Episode.Kind.MALFORMED).size())
                .isGreaterThanOrEqualTo(20);
        GroundTruth.assertAlertsMatchTheEpisodes(simulation, GroundTruth.firing(run.alerts()));
        GroundTruth.assertEveryAlertResolvedAfterItsEpisode(simulation, run.alerts());
        assertThat(deadLetterKeys(run.deadLetters()))
                .as("one dead letter with the right reason per malformed message")
                .isEqualTo(expectedDeadLetterKeys());
        assertTheSameAlertsWerePublished(run.mqttAlerts(), run.alerts());
    }

    @Test
    @Order(2)
    void aTaskManagerFailureHalfwayChangesNoAggregateOrAlert() throws Exception {
        Run clean = cleanRun();
        Run failover = runJob("failover", true);

        assertSamePoints(failover.aggregates(), clean.aggregates());
        assertSamePoints(failover.alerts(), clean.alerts());
        assertThat(deadLetterKeys(failover.deadLetters()))
                .as("every dead letter once after the failover")
                .isEqualTo(expectedDeadLetterKeys());
    }

    /**
     * Malformed messages read just after a checkpoint completed, their dead letters, then a
     * TaskManager lost before the next checkpoint: the broker sends the unacknowledged messages
     * again, they arrive at another time, and their dead letters would be new points. They are
     * written only once a checkpoint holding them completed, so each malformed message leaves one.
     */
    @Test
    @Order(3)
    void messagesReadAgainAfterAFailureLeaveEachDeadLetterOnce() throws Exception {
        String name = "dead-letters-once";
        String database = "vigil_" + name;
        int malformed = 20;
        JobSetup setup = setup(name, Duration.ofSeconds(5));
        TestStreamEnvironment env =
                new TestStreamEnvironment(cluster, setup.config(), 2, List.of(), List.of());
        SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
        JobClient job = env.executeAsync(name);
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            ReaderProbe.awaitSubscribed(publisher, INFLUXDB, database, "sensors/probe");
            // Just after a checkpoint: the next one is an interval away.
            long completed = completedCheckpoints(job);
            Await.until(
                    () -> completedCheckpoints(job) > completed,
                    Duration.ofSeconds(60),
                    () -> "no checkpoint completed");
            for (int i = 0; i < malformed; i++) {
                publisher.publish("sensors/dl-site/dev-" + i + "/sound", "{not json " + i, 1);
            }
            String count =
                    "SELECT count(payload) FROM dead_letters WHERE topic =~"
                            + " /^sensors\\/dl-site\\//";
            Await.until(
                    () -> INFLUXDB.count(database, count) >= malformed,
                    Duration.ofSeconds(60),
                    () -> "dead letters not written");
            loseATaskManager();
            Await.until(
                    () -> restarted(job),
                    Duration.ofSeconds(60),
                    () -> "the job did not restart after losing a TaskManager");
            // Two checkpoints after the restore: anything held or read again has been written.
            long afterRestore = completedCheckpoints(job);
            Await.until(
                    () -> completedCheckpoints(job) >= afterRestore + 2,
                    Duration.ofSeconds(90),
                    () -> "no checkpoints after the restore");
            Thread.sleep(2_000);
            assertThat(INFLUXDB.count(database, count))
                    .as("one dead letter per malformed message")
                    .isEqualTo(malformed);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Terminates the oldest TaskManager still running and starts another. The mini cluster keeps
     * terminated TaskManagers in its list, so the next live one has the next index.
     */
    private static void loseATaskManager() throws Exception {
        cluster.terminateTaskManager(taskManagersLost++).get();
        cluster.startTaskManager();
    }

    private static long completedCheckpoints(JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    private static Run cleanRun() throws Exception {
        if (cleanRun == null) {
            cleanRun = runJob("clean", false);
        }
        return cleanRun;
    }

    private static Run runJob(String name, boolean killTaskManager) throws Exception {
        String database = "vigil_" + name;
        // The fleet is published far faster than real time, so a few seconds of wall clock are
        // minutes of event time. A reader that reconnects after the failover later than the
        // idleness timeout would find its queued backlog behind the other reader's watermark
        // (late dead letters); the idleness timeout must outlast a restart.
        JobSetup setup = setup(name, Duration.ofSeconds(1));
        TestStreamEnvironment env =
                new TestStreamEnvironment(cluster, setup.config(), 2, List.of(), List.of());
        SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
        JobClient job = env.executeAsync(name);
        try (MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri());
                MosquittoTestSubscriber alerts =
                        MosquittoTestSubscriber.subscribe(MOSQUITTO.uri(), "alerts/#")) {
            ReaderProbe.awaitSubscribed(probe, INFLUXDB, database, "sensors/probe");
            List<SimulatedMessage> messages = simulation.messages();
            int half = messages.size() / 2;
            FleetMessages.publish(MOSQUITTO.uri(), messages.subList(0, half));
            if (killTaskManager) {
                // Let a few checkpoints complete, then take away a TaskManager with its tasks.
                Thread.sleep(3_000);
                loseATaskManager();
                Await.until(
                        () -> restarted(job),
                        Duration.ofSeconds(60),
                        () -> "the job did not restart after losing a TaskManager");
            }
            FleetMessages.publish(MOSQUITTO.uri(), messages.subList(half, messages.size()));
            // 90 s after the fleet: past every window and burst, less than the silence time,
            // so the end of the data is no silence.
            ClockTicks.publish(probe, simulation.spec().endMillis() + 90_000);
            awaitEverythingWritten(database);
            // Anything the job would wrongly add comes within a few checkpoints.
            Thread.sleep(3_000);
            job.cancel().get();
            return new Run(
                    INFLUXDB.query(
                            database,
                            "SELECT * FROM sensor_aggregates WHERE site != '" + CLOCK_SITE + "'"),
                    INFLUXDB.query(database, "SELECT * FROM alerts"),
                    INFLUXDB.query(
                            database, "SELECT * FROM dead_letters WHERE topic != 'sensors/probe'"),
                    alerts.received());
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    /** The job as runJob starts it, with checkpoints every {@code checkpointInterval}. */
    private static JobSetup setup(String name, Duration checkpointInterval) throws Exception {
        // The fleet is published far faster than real time, so a few seconds of wall clock are
        // minutes of event time. A reader that reconnects after the failover later than the
        // idleness timeout would find its queued backlog behind the other reader's watermark
        // (late dead letters); the idleness timeout must outlast a restart.
        return JobSetup.fromArgs(
                new String[] {
                    "--mqtt.broker-uris", MOSQUITTO.uri(),
                    "--mqtt.topic-filters", "sensors/#",
                    "--mqtt.qos", "1",
                    "--mqtt.client-id-prefix", "vigil-" + name,
                    "--mqtt.shared-subscription.group", "vigil-" + name,
                    "--influxdb.url", INFLUXDB.url(),
                    "--influxdb.database", "vigil_" + name,
                    "--influxdb.create-database", "true",
                    "--patterns.files", Path.of("../cep-patterns/patterns/default.yaml").toString(),
                    "--analytics.idleness", "2min",
                    "--patterns.silence.processing-time-grace", "1h",
                    "--execution.checkpointing.interval", checkpointInterval.toMillis() + "ms",
                    "--execution.checkpointing.dir", tmp.resolve(name).toUri().toString(),
                    "--state.backend.type", "rocksdb",
                    "--restart-strategy.type", "fixed-delay",
                    "--restart-strategy.fixed-delay.attempts", "5",
                    "--restart-strategy.fixed-delay.delay", "1s"
                });
    }

    private static void awaitEverythingWritten(String database) throws Exception {
        int windows = GroundTruth.expectedAggregates(simulation).size();
        int alerts =
                simulation.episodes().size() - simulation.episodes(Episode.Kind.MALFORMED).size();
        Await.until(
                () ->
                        INFLUXDB.count(
                                                database,
                                                "SELECT count(\"count\") FROM sensor_aggregates"
                                                        + " WHERE site != '"
                                                        + CLOCK_SITE
                                                        + "'")
                                        >= windows
                                && INFLUXDB.count(
                                                database,
                                                "SELECT count(peak) FROM alerts WHERE state ="
                                                        + " 'firing'")
                                        >= alerts
                                && INFLUXDB.count(
                                                database,
                                                "SELECT count(peak) FROM alerts WHERE state ="
                                                        + " 'resolved'")
                                        >= alerts,
                Duration.ofMinutes(4),
                () ->
                        String.format(
                                "expected %d aggregates and %d alerts fired and resolved, have %d,"
                                        + " %d and %d (%d late readings among the dead letters)",
                                windows,
                                alerts,
                                INFLUXDB.count(
                                        database, "SELECT count(\"count\") FROM sensor_aggregates"),
                                INFLUXDB.count(
                                        database,
                                        "SELECT count(peak) FROM alerts WHERE state = 'firing'"),
                                INFLUXDB.count(
                                        database,
                                        "SELECT count(peak) FROM alerts WHERE state = 'resolved'"),
                                INFLUXDB.count(
                                        database,
                                        "SELECT count(payload) FROM dead_letters WHERE reason ="
                                                + " 'late'")));
    }

    private static boolean restarted(JobClient job) {
        try {
            return cluster.getExecutionGraph(job.getJobID())
                            .get()
                            .getStatusTimestamp(JobStatus.RESTARTING)
                    > 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Each alert event in InfluxDB, firing or resolved, was also published as JSON on
     * alerts/{site}/{device}/{pattern}, with the same state and id.
     */
    private static void assertTheSameAlertsWerePublished(
            List<MosquittoTestSubscriber.Received> published, List<Map<String, Object>> stored) {
        Map<String, Integer> fromMqtt = new TreeMap<>();
        for (MosquittoTestSubscriber.Received message : published) {
            Alert alert = AlertMessages.parse(message.payload().getBytes(StandardCharsets.UTF_8));
            assertThat(message.topic())
                    .isEqualTo(
                            "alerts/"
                                    + alert.site()
                                    + "/"
                                    + alert.device()
                                    + "/"
                                    + alert.pattern());
            fromMqtt.merge(
                    String.join(
                            " ",
                            alert.site(),
                            alert.device(),
                            alert.pattern(),
                            String.valueOf(alert.startedAt()),
                            String.valueOf(alert.endedAt()),
                            alert.state().label(),
                            alert.id()),
                    1,
                    Integer::sum);
        }
        Map<String, Integer> fromInflux = new TreeMap<>();
        for (Map<String, Object> row : stored) {
            fromInflux.merge(
                    String.join(
                            " ",
                            String.valueOf(row.get("site")),
                            String.valueOf(row.get("device")),
                            String.valueOf(row.get("pattern")),
                            String.valueOf((long) GroundTruth.number(row, "started_at")),
                            String.valueOf((long) GroundTruth.number(row, "ended_at")),
                            String.valueOf(row.get("state")),
                            String.valueOf(row.get("alert_id"))),
                    1,
                    Integer::sum);
        }
        assertThat(fromMqtt).isEqualTo(fromInflux);
    }

    /**
     * The same points: same series and timestamps, same field values. Floating-point fields may
     * differ in their last bits, because a window sums its readings in arrival order, and the order
     * in which two readings of one window arrive differs between runs.
     */
    static void assertSamePoints(
            List<Map<String, Object>> actual, List<Map<String, Object>> expected) {
        // InfluxDB orders points of one timestamp by series, which may differ between databases.
        Map<String, Map<String, Object>> actualById = byId(actual);
        Map<String, Map<String, Object>> expectedById = byId(expected);
        assertThat(actualById.keySet()).containsExactlyInAnyOrderElementsOf(expectedById.keySet());
        expectedById.forEach(
                (id, want) -> {
                    Map<String, Object> got = actualById.get(id);
                    assertThat(got.keySet()).as(id).isEqualTo(want.keySet());
                    want.forEach(
                            (column, value) -> {
                                if (value instanceof Double d) {
                                    assertThat(GroundTruth.number(got, column))
                                            .as("%s %s", id, column)
                                            .isCloseTo(d, within(1e-9 * Math.max(1, Math.abs(d))));
                                } else {
                                    assertThat(got.get(column))
                                            .as("%s %s", id, column)
                                            .isEqualTo(value);
                                }
                            });
                });
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> byId = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            String id =
                    String.join(
                            "/",
                            String.valueOf(row.get("site")),
                            String.valueOf(row.get("device")),
                            String.valueOf(row.get("metric")),
                            String.valueOf(row.get("pattern")),
                            String.valueOf(row.get("state")),
                            String.valueOf(row.get("time")));
            assertThat(byId.put(id, row)).as("one point per series and time: %s", id).isNull();
        }
        return byId;
    }

    private static Map<String, Integer> expectedDeadLetterKeys() {
        Map<String, Integer> keys = new TreeMap<>();
        for (SimulatedMessage m : simulation.messages()) {
            if (m.isMalformed()) {
                keys.merge(m.expectedReason() + " " + m.topic(), 1, Integer::sum);
            }
        }
        assertThat(keys).isNotEmpty();
        return keys;
    }

    static Map<String, Integer> deadLetterKeys(List<Map<String, Object>> rows) {
        Map<String, Integer> keys = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            keys.merge(row.get("reason") + " " + row.get("topic"), 1, Integer::sum);
        }
        return keys;
    }
}
