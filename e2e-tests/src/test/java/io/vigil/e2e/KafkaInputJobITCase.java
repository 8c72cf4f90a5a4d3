package io.vigil.e2e;

import static io.vigil.e2e.SensorAnalyticsJobITCase.assertSamePoints;
import static io.vigil.e2e.SensorAnalyticsJobITCase.deadLetterKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.KafkaBroker;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.KafkaFleetPublisher;
import io.vigil.tools.simulator.MqttFleetPublisher;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on its Kafka input: the simulator writes a fleet with injected episodes and
 * malformed messages to a real Kafka broker as an MQTT bridge would (MQTT topic as key), plus one
 * record without a key; the job runs on a mini cluster (parallelism 2, RocksDB, checkpoints) and
 * writes to a real InfluxDB, which is checked against the simulator's ground truth. Then the same
 * with a TaskManager killed halfway: the same aggregates and alerts, and every dead letter exactly
 * once (a replayed record keeps its Kafka timestamp, so its dead letter rewrites the same point).
 *
 * <p>One partition: readings of different partitions are not ordered against each other, and a
 * replay can read one partition far ahead of another (docs/kafka.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaInputJobITCase {

    @RegisterExtension static final KafkaBroker KAFKA = KafkaBroker.builder().build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir static Path tmp;

    private static MiniCluster cluster;
    private static FleetSimulation simulation;
    private static Run cleanRun;

    /** What one run left in InfluxDB. */
    record Run(
            List<Map<String, Object>> aggregates,
            List<Map<String, Object>> alerts,
            List<Map<String, Object>> deadLetters) {}

    @BeforeAll
    static void startClusterAndSimulate() throws Exception {
        cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setNumTaskManagers(2)
                                .setNumSlotsPerTaskManager(1)
                                .withRandomPorts()
                                .build());
        cluster.start();
        simulation =
                FleetSimulation.generate(
                        SimulationSpec.builder()
                                .setSites(3)
                                .setDevicesPerSite(40)
                                .setDuration(Duration.ofMinutes(6))
                                .setSeed(20261202)
                                .setBursts(16)
                                .setDrifts(6)
                                .setSilences(6)
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
        GroundTruth.assertAlertsMatchTheEpisodes(simulation, run.alerts());
        assertThat(deadLetterKeys(run.deadLetters()))
                .as("one dead letter with the right reason per malformed message or keyless record")
                .isEqualTo(expectedDeadLetterKeys());
    }

    @Test
    @Order(2)
    void aTaskManagerFailureHalfwayChangesNoAggregateAlertOrDeadLetter() throws Exception {
        Run clean = cleanRun();
        Run failover = runJob("failover", true);

        assertSamePoints(failover.aggregates(), clean.aggregates());
        assertSamePoints(failover.alerts(), clean.alerts());
        assertThat(deadLetterKeys(failover.deadLetters()))
                .as("every dead letter exactly once after the replay")
                .isEqualTo(expectedDeadLetterKeys());
    }

    private static Run cleanRun() throws Exception {
        if (cleanRun == null) {
            cleanRun = runJob("clean", false);
        }
        return cleanRun;
    }

    private static Run runJob(String name, boolean killTaskManager) throws Exception {
        String database = "vigil_kafka_" + name;
        String topic = "mqtt-sensors-" + name;
        KAFKA.createTopic(topic, 1);
        JobSetup setup =
                JobSetup.fromArgs(
                        new String[] {
                            "--source.type", "kafka",
                            "--kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                            "--kafka.topics", topic,
                            "--kafka.group-id", "vigil-" + name,
                            "--kafka.starting-offsets", "earliest",
                            "--alerts.mqtt.enabled", "false",
                            "--influxdb.url", INFLUXDB.url(),
                            "--influxdb.database", database,
                            "--influxdb.create-database", "true",
                            "--patterns.files",
                                    Path.of("../cep-patterns/patterns/default.yaml").toString(),
                            // One partition: the second reader has none and goes idle.
                            "--analytics.idleness", "20s",
                            "--patterns.silence.processing-time-grace", "1h",
                            "--execution.checkpointing.interval", "1s",
                            "--execution.checkpointing.dir", tmp.resolve(name).toUri().toString(),
                            "--state.backend.type", "rocksdb",
                            "--restart-strategy.type", "fixed-delay",
                            "--restart-strategy.fixed-delay.attempts", "5",
                            "--restart-strategy.fixed-delay.delay", "1s"
                        });
        TestStreamEnvironment env =
                new TestStreamEnvironment(cluster, setup.config(), 2, List.of(), List.of());
        SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
        JobClient job = env.executeAsync(name);
        try {
            List<SimulatedMessage> messages = simulation.messages();
            int half = messages.size() / 2;
            publish(topic, messages.subList(0, half));
            writeRecord(topic, null, "{\"ts\": 1, \"value\": 1}");
            if (killTaskManager) {
                Await.until(
                        () -> job.getJobStatus().get() == JobStatus.RUNNING,
                        Duration.ofSeconds(60),
                        () -> "the job did not start");
                // Let a few checkpoints complete, then take away a TaskManager with its tasks.
                Thread.sleep(3_000);
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();
                Await.until(
                        () -> restarted(job),
                        Duration.ofSeconds(60),
                        () -> "the job did not restart after losing a TaskManager");
            }
            publish(topic, messages.subList(half, messages.size()));
            // 90 s after the fleet: past every window and burst, less than the silence time.
            long tick = simulation.spec().endMillis() + 90_000;
            for (int i = 0; i < 4; i++) {
                for (int device = 0; device < 5; device++) {
                    writeRecord(
                            topic,
                            "sensors/" + ClockTicks.SITE + "/clock-" + device + "/tick",
                            String.format("{\"ts\": %d, \"value\": %d}", tick + i, i));
                }
            }
            awaitEverythingWritten(database);
            // Anything the job would wrongly add comes within a few checkpoints.
            Thread.sleep(3_000);
            job.cancel().get();
            return new Run(
                    INFLUXDB.query(
                            database,
                            "SELECT * FROM sensor_aggregates WHERE site != '"
                                    + ClockTicks.SITE
                                    + "'"),
                    INFLUXDB.query(database, "SELECT * FROM alerts WHERE state = 'firing'"),
                    INFLUXDB.query(database, "SELECT * FROM dead_letters"));
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    private static void publish(String topic, List<SimulatedMessage> messages) {
        MqttFleetPublisher.Report report =
                KafkaFleetPublisher.builder()
                        .setBootstrapServers(KAFKA.bootstrapServers())
                        .setTopic(topic)
                        .build()
                        .publish(messages);
        assertThat(report.isComplete()).as(report.toString()).isTrue();
    }

    private static void writeRecord(String topic, String key, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                                    value.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    private static void awaitEverythingWritten(String database) throws Exception {
        int windows = GroundTruth.expectedAggregates(simulation).size();
        int alerts =
                simulation.episodes().size() - simulation.episodes(Episode.Kind.MALFORMED).size();
        Await.until(
                () ->
                        count(
                                                database,
                                                "SELECT count(\"count\") FROM sensor_aggregates"
                                                        + " WHERE site != '"
                                                        + ClockTicks.SITE
                                                        + "'")
                                        >= windows
                                && count(
                                                database,
                                                "SELECT count(peak) FROM alerts WHERE state ="
                                                        + " 'firing'")
                                        >= alerts,
                Duration.ofMinutes(4),
                () ->
                        String.format(
                                "expected %d aggregates and %d alerts, have %d and %d (%d late"
                                        + " readings among the dead letters)",
                                windows,
                                alerts,
                                count(database, "SELECT count(\"count\") FROM sensor_aggregates"),
                                count(
                                        database,
                                        "SELECT count(peak) FROM alerts WHERE state = 'firing'"),
                                count(
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

    /** The simulator's malformed messages, and the one record without a key. */
    private static Map<String, Integer> expectedDeadLetterKeys() {
        Map<String, Integer> keys = new TreeMap<>();
        for (SimulatedMessage m : simulation.messages()) {
            if (m.isMalformed()) {
                keys.merge(m.expectedReason() + " " + m.topic(), 1, Integer::sum);
            }
        }
        assertThat(keys).isNotEmpty();
        // InfluxDB leaves out a tag with an empty value: the keyless record has no topic tag.
        keys.merge("bad-topic null", 1, Integer::sum);
        return keys;
    }

    private static long count(String database, String influxql) {
        try {
            List<Map<String, Object>> rows = INFLUXDB.query(database, influxql);
            return rows.isEmpty() ? 0 : ((Number) rows.get(0).get("count")).longValue();
        } catch (IllegalStateException databaseNotThereYet) {
            return 0;
        }
    }
}
