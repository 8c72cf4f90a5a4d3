package io.vigil.benchmarks;

import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.KafkaBroker;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.KafkaFleetPublisher;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 14: Vigil's Kafka intake against a bare Kafka consumer, reading the same records of the
 * same topic in the same run. A real Kafka 4.1 broker ({@link KafkaBroker}, KRaft, its own JVM)
 * gets a topic that holds a simulated fleet as an MQTT-to-Kafka bridge writes it (the simulator's
 * {@link KafkaFleetPublisher}: MQTT topic as key, payload as value); then the bare consumer ({@link
 * BareKafkaConsumer}) reads the whole backlog, and then the job, run as {@code ./vigil run} runs it
 * ({@link VigilProcess}: {@code source.type: kafka} from the earliest offset, RocksDB, shipped
 * defaults, into a real InfluxDB), reads it. Each reads alone, so each is measured at its own pace.
 *
 * <p>Intake = records received after the first observation / (time of the last one - time of the
 * first observation). Vigil's count is the sum of its source readers' {@code numRecordsIn} (REST
 * API, polled every 100 ms, so the job's deployment does not count); the bare consumer's is counted
 * per poll.
 *
 * <pre>{@code
 * mvn -B -o -q -pl benchmarks,tools -am package -DskipTests
 * benchmarks/run.sh io.vigil.benchmarks.KafkaEndToEnd --records 1000000
 * }</pre>
 */
public final class KafkaEndToEnd {

    private static final String TOPIC = "mqtt-sensors";

    /** Messages per second per simulated sensor: half microphones (1/s), half pumps (1/5 s). */
    private static final double MESSAGES_PER_SENSOR = 0.6;

    private KafkaEndToEnd() {}

    /** What one consumer read: how many records, and at what rate. */
    record Reading(long received, double intake, long millis) {}

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        System.out.println(AnalyticsThroughput.machine());
        Path dir = Files.createTempDirectory("vigil-bench-kafka-");
        KafkaBroker kafka = KafkaBroker.builder().build();
        InfluxDbExtension influxDb = new InfluxDbExtension();
        kafka.beforeAll(null);
        influxDb.beforeAll(null);
        try {
            kafka.createTopic(TOPIC, settings.partitions);
            List<SimulatedMessage> fleet = fleet(settings);
            long start = System.nanoTime();
            KafkaFleetPublisher.builder()
                    .setBootstrapServers(kafka.bootstrapServers())
                    .setTopic(TOPIC)
                    .setTimeout(Duration.ofMinutes(5))
                    .build()
                    .publish(fleet);
            long records = fleet.size();
            System.out.printf(
                    Locale.ROOT,
                    "written: %d records of %d sensors (MQTT topic as key) to topic %s, %d"
                            + " partition(s), in %d ms%n",
                    records,
                    settings.sensors,
                    TOPIC,
                    settings.partitions,
                    (System.nanoTime() - start) / 1_000_000);

            Reading bare;
            try (BareKafkaConsumer consumer =
                    new BareKafkaConsumer(kafka.bootstrapServers(), TOPIC, settings.partitions)) {
                bare = read(consumer, records, settings.drain);
            }
            print("bare consumer", bare);

            Files.createDirectories(dir.resolve("vigil"));
            Reading vigil;
            try (VigilProcess job =
                    VigilProcess.start(
                            dir.resolve("vigil"),
                            VigilProcess.Input.kafka(kafka.bootstrapServers(), TOPIC),
                            influxDb.url(),
                            settings.patterns)) {
                job.awaitRunning(Duration.ofMinutes(3));
                System.out.printf("job running (./vigil run, log %s)%n", job.log());
                vigil = readPolled(job, records, settings.drain);
                if (settings.keepLogs != null) {
                    Files.createDirectories(settings.keepLogs);
                    Files.copy(
                            job.log(),
                            settings.keepLogs.resolve("vigil-run.log"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            print("vigil", vigil);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT kafka: vigil intake %.0f rec/s, bare consumer %.0f rec/s, ratio %.3f;"
                            + " %d records of a simulated fleet (MQTT topic as key) read from a"
                            + " backlog in %d partition(s); vigil read %d of %d, bare consumer %d"
                            + " of %d%n",
                    vigil.intake(),
                    bare.intake(),
                    vigil.intake() / bare.intake(),
                    records,
                    settings.partitions,
                    vigil.received(),
                    records,
                    bare.received(),
                    records);
        } finally {
            influxDb.afterAll(null);
            kafka.afterAll(null);
            CoreRun.deleteRecursively(dir);
        }
    }

    /**
     * About {@code --records} messages of {@code --sensors} sensors with 2 bursts and 1 drift per
     * 100 sensors (no silences: a silent period needs minutes of event time), plain payloads, none
     * malformed; at least 3 minutes of event time, which the episodes need.
     */
    private static List<SimulatedMessage> fleet(Settings settings) {
        int sites = Math.max(1, settings.sensors / 100);
        long seconds =
                Math.max(180, Math.round(settings.records / (MESSAGES_PER_SENSOR * sites * 100)));
        return FleetSimulation.generate(
                        SimulationSpec.builder()
                                .setSites(sites)
                                .setDevicesPerSite(100)
                                .setDuration(Duration.ofSeconds(seconds))
                                .setSeed(11)
                                .setBursts(2 * sites)
                                .setDrifts(sites)
                                .setSilences(0)
                                .setMalformedShare(0)
                                .setMixedPayloads(false)
                                .build())
                .messages();
    }

    /** Waits for the bare consumer to read {@code records}, or for {@code drain} without one. */
    private static Reading read(BareKafkaConsumer consumer, long records, Duration drain)
            throws InterruptedException {
        long deadline = System.nanoTime() + drain.toNanos();
        long seen = 0;
        while (seen < records && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = consumer.received();
            if (now != seen) {
                seen = now;
                deadline = System.nanoTime() + drain.toNanos();
            }
        }
        return reading(
                seen, seen - consumer.firstCount(), consumer.lastNanos() - consumer.firstNanos());
    }

    /**
     * Polls the job's count every 100 ms until it has read {@code records}, or for {@code drain}
     * without a new one; its intake counts from the first poll that saw records.
     */
    private static Reading readPolled(VigilProcess job, long records, Duration drain)
            throws Exception {
        long deadline = System.nanoTime() + drain.toNanos();
        long first = 0;
        long firstNanos = 0;
        long seen = 0;
        long lastNanos = 0;
        while (seen < records && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = job.received();
            if (now != seen) {
                lastNanos = System.nanoTime();
                if (seen == 0) {
                    first = now;
                    firstNanos = lastNanos;
                }
                seen = now;
                deadline = lastNanos + drain.toNanos();
            }
        }
        return reading(seen, seen - first, lastNanos - firstNanos);
    }

    private static Reading reading(long received, long timed, long nanos) {
        return new Reading(received, nanos <= 0 ? 0 : timed * 1e9 / nanos, nanos / 1_000_000);
    }

    private static void print(String label, Reading r) {
        System.out.printf(
                Locale.ROOT,
                "%-14s read %d records, %.0f rec/s over %d ms (from its first observed records to"
                        + " its last)%n",
                label,
                r.received(),
                r.intake(),
                r.millis());
    }

    /** Command-line settings. */
    @Command(name = "KafkaEndToEnd")
    static final class Settings extends PatternFileSettings {
        @Option(names = "--records", description = "records in the topic (about; a whole fleet)")
        long records = 1_000_000;

        @Option(names = "--sensors", description = "simulated sensors (whole hundreds)")
        int sensors = 2_000;

        @Option(names = "--partitions", description = "partitions of the topic")
        int partitions = 1;

        @Option(
                names = "--drain",
                converter = AnalyticsThroughput.ShortDuration.class,
                description = "how long a consumer may go without a new record before it counts")
        Duration drain = Duration.ofSeconds(30);

        @Option(names = "--keep-logs", description = "a directory to copy the job's log to")
        Path keepLogs;
    }
}
