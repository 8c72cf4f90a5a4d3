package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.job.AlertMessages;
import io.vigil.job.JobSetup;
import io.vigil.model.Alert;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.testing.MosquittoTestSubscriber;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job end to end: the simulator publishes a fleet with injected episodes and malformed
 * messages to a real Mosquitto; the job runs on a mini cluster (parallelism 2, RocksDB,
 * checkpoints) and writes to a real InfluxDB; what InfluxDB holds is checked against the
 * simulator's ground truth. Then the same run with a TaskManager killed halfway must leave the same
 * aggregates and alerts, point for point.
 */
class SensorAnalyticsJobITCase extends JobGroundTruthTestBase {

    private static final String CLOCK_SITE = ClockTicks.SITE;

    @RegisterExtension static final JobCluster CLUSTER = new JobCluster();

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder()
                    .withMaxQueuedMessages(500_000)
                    .withMaxInflightMessages(1000)
                    .build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir static Path tmp;

    @Override
    SimulationSpec fleet() {
        return JobCluster.fleet(80, 20261128).setBursts(24).setDrifts(8).setSilences(8).build();
    }

    /**
     * Every alert also resolved after its episode, and each alert event was published on MQTT too.
     */
    @Override
    void checkCleanRun(Run run) {
        assertThat(
                        simulation().episodes().size()
                                - simulation().episodes(Episode.Kind.MALFORMED).size())
                .isGreaterThanOrEqualTo(20);
        GroundTruth.assertEveryAlertResolvedAfterItsEpisode(simulation(), run.alerts());
        assertTheSameAlertsWerePublished(run.mqttAlerts(), run.alerts());
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
        JobClient job = CLUSTER.start(name, setup(name, Duration.ofSeconds(5)));
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            ReaderProbe.awaitSubscribed(publisher, INFLUXDB, database, "sensors/probe");
            // Just after a checkpoint: the next one is an interval away.
            long completed = CLUSTER.completedCheckpoints(job);
            Await.until(
                    () -> CLUSTER.completedCheckpoints(job) > completed,
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
            CLUSTER.loseATaskManager();
            CLUSTER.awaitRestart(job);
            // Two checkpoints after the restore: anything held or read again has been written.
            long afterRestore = CLUSTER.completedCheckpoints(job);
            Await.until(
                    () -> CLUSTER.completedCheckpoints(job) >= afterRestore + 2,
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

    @Override
    Run runJob(String name, boolean loseATaskManager) throws Exception {
        String database = "vigil_" + name;
        JobClient job = CLUSTER.start(name, setup(name, Duration.ofSeconds(1)));
        try (MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri());
                MosquittoTestSubscriber alerts =
                        MosquittoTestSubscriber.subscribe(MOSQUITTO.uri(), "alerts/#")) {
            ReaderProbe.awaitSubscribed(probe, INFLUXDB, database, "sensors/probe");
            List<SimulatedMessage> messages = simulation().messages();
            int half = messages.size() / 2;
            FleetMessages.publish(MOSQUITTO.uri(), messages.subList(0, half));
            if (loseATaskManager) {
                // Let a few checkpoints complete, then take away a TaskManager with its tasks.
                Thread.sleep(3_000);
                CLUSTER.loseATaskManager();
                CLUSTER.awaitRestart(job);
            }
            FleetMessages.publish(MOSQUITTO.uri(), messages.subList(half, messages.size()));
            // 90 s after the fleet: past every window and burst, less than the silence time,
            // so the end of the data is no silence.
            ClockTicks.publish(probe, simulation().spec().endMillis() + 90_000);
            JobCluster.awaitEverythingWritten(INFLUXDB, database, simulation(), true);
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
            JobCluster.cancelUnlessEnded(job);
        }
    }

    /** The job as runJob starts it, with checkpoints every {@code checkpointInterval}. */
    private static JobSetup setup(String name, Duration checkpointInterval) throws Exception {
        // The fleet is published far faster than real time, so a few seconds of wall clock are
        // minutes of event time. A reader that reconnects after the failover later than the
        // idleness timeout would find its queued backlog behind the other reader's watermark
        // (late dead letters); the idleness timeout must outlast a restart.
        return JobCluster.setup(
                name,
                INFLUXDB,
                "vigil_" + name,
                tmp,
                checkpointInterval,
                "--mqtt.broker-uris",
                MOSQUITTO.uri(),
                "--mqtt.topic-filters",
                "sensors/#",
                "--mqtt.qos",
                "1",
                "--mqtt.client-id-prefix",
                "vigil-" + name,
                "--mqtt.shared-subscription.group",
                "vigil-" + name,
                "--analytics.idleness",
                "2min");
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

    @Override
    Map<String, Integer> expectedDeadLetterKeys() {
        return JobCluster.expectedDeadLetterKeys(simulation());
    }

    static Map<String, Integer> deadLetterKeys(List<Map<String, Object>> rows) {
        Map<String, Integer> keys = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            keys.merge(row.get("reason") + " " + row.get("topic"), 1, Integer::sum);
        }
        return keys;
    }
}
