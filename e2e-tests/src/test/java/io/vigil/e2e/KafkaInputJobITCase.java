package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.job.JobSetup;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.KafkaBroker;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
class KafkaInputJobITCase extends JobGroundTruthTestBase {

    @RegisterExtension static final JobCluster CLUSTER = new JobCluster();

    @RegisterExtension static final KafkaBroker KAFKA = KafkaBroker.builder().build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir static Path tmp;

    @Override
    SimulationSpec fleet() {
        return JobCluster.fleet(40, 20261202).setBursts(16).setDrifts(6).setSilences(6).build();
    }

    @Override
    Run runJob(String name, boolean loseATaskManager) throws Exception {
        String database = "vigil_kafka_" + name;
        String topic = "mqtt-sensors-" + name;
        KAFKA.createTopic(topic, 1);
        JobSetup setup =
                JobCluster.setup(
                        name,
                        INFLUXDB,
                        database,
                        tmp,
                        Duration.ofSeconds(1),
                        "--source.type",
                        "kafka",
                        "--kafka.bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--kafka.topics",
                        topic,
                        "--kafka.group-id",
                        "vigil-" + name,
                        "--kafka.starting-offsets",
                        "earliest",
                        "--alerts.mqtt.enabled",
                        "false",
                        // One partition: the second reader has none and goes idle.
                        "--analytics.idleness",
                        "20s");
        JobClient job = CLUSTER.start(name, setup);
        try {
            List<SimulatedMessage> messages = simulation().messages();
            int half = messages.size() / 2;
            publish(topic, messages.subList(0, half));
            writeRecord(topic, null, "{\"ts\": 1, \"value\": 1}");
            if (loseATaskManager) {
                Await.until(
                        () -> job.getJobStatus().get() == JobStatus.RUNNING,
                        Duration.ofSeconds(60),
                        () -> "the job did not start");
                // Let a few checkpoints complete, then take away a TaskManager with its tasks.
                Thread.sleep(3_000);
                CLUSTER.loseATaskManager();
                CLUSTER.awaitRestart(job);
            }
            publish(topic, messages.subList(half, messages.size()));
            // 90 s after the fleet: past every window and burst, less than the silence time.
            long tick = simulation().spec().endMillis() + 90_000;
            for (int i = 0; i < 4; i++) {
                for (int device = 0; device < 5; device++) {
                    writeRecord(
                            topic,
                            "sensors/" + ClockTicks.SITE + "/clock-" + device + "/tick",
                            String.format("{\"ts\": %d, \"value\": %d}", tick + i, i));
                }
            }
            JobCluster.awaitEverythingWritten(INFLUXDB, database, simulation(), false);
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
                    INFLUXDB.query(database, "SELECT * FROM dead_letters"),
                    List.of());
        } finally {
            JobCluster.cancelUnlessEnded(job);
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

    /** The simulator's malformed messages, and the one record without a key. */
    @Override
    Map<String, Integer> expectedDeadLetterKeys() {
        Map<String, Integer> keys = new TreeMap<>(JobCluster.expectedDeadLetterKeys(simulation()));
        // InfluxDB leaves out a tag with an empty value: the keyless record has no topic tag.
        keys.merge("bad-topic null", 1, Integer::sum);
        return keys;
    }
}
