package io.vigil.benchmarks;

import io.vigil.testing.InfluxDbExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 11, figure 3: Vigil's intake end to end through a real Mosquitto against a bare subscriber
 * on the same broker, receiving the same QoS 1 messages from the same publisher in the same run.
 * Vigil runs as {@code ./vigil run} runs it ({@link VigilProcess}: RocksDB, shipped defaults) into
 * a real InfluxDB; the broker has the production settings and Mosquitto's default flow control
 * ({@link BenchBroker}). First the measured step ({@code --rate}, {@code --messages}), then a rate
 * ladder; after each step both consumers get up to {@code --drain} to catch up.
 *
 * <p>Intake = messages received in the step / (time of the last one received - start of
 * publishing). Vigil's count is the sum of its readers' {@code mqtt.messagesReceived} (REST API,
 * polled every 100 ms), the subscriber's is counted in its callback. Protocol errors are lines of
 * Vigil's log naming one; reconnects are Vigil's {@code mqtt.reconnects} metric and the broker's
 * "New client connected ... as vigil-bench" lines after the first connection of each reader.
 *
 * <pre>{@code
 * mvn -B -o -q -pl benchmarks,tools -am package -DskipTests
 * benchmarks/run.sh io.vigil.benchmarks.MqttEndToEnd --rate 10000 --messages 150000
 * }</pre>
 */
public final class MqttEndToEnd {

    static final String PROTOCOL_ERRORS =
            "(?i)protocol.?error|Received more|must not be resent|receive maximum";

    private MqttEndToEnd() {}

    /** One step: what was published, what each consumer received and how fast. */
    record Step(
            double rate,
            long published,
            long publishMillis,
            long vigilReceived,
            double vigilIntake,
            long bareReceived,
            double bareIntake,
            long backlogBefore,
            long protocolErrors,
            long reconnects) {

        double ratio() {
            return vigilIntake / bareIntake;
        }

        boolean sustained() {
            // A step that started with a backlog measures the catching up, not this rate.
            return backlogBefore <= 0
                    && vigilReceived >= published
                    && vigilIntake >= 0.95 * rate
                    && protocolErrors == 0
                    && reconnects == 0;
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        System.out.println(AnalyticsThroughput.machine());
        Path dir = Files.createTempDirectory("vigil-bench-mqtt-");
        InfluxDbExtension influxDb = new InfluxDbExtension();
        influxDb.beforeAll(null);
        try (BenchBroker broker = BenchBroker.start(dir.resolve("broker"))) {
            System.out.println("mosquitto.conf:\n" + broker.config());
            Files.createDirectories(dir.resolve("vigil"));
            try (VigilProcess vigil =
                    VigilProcess.start(
                            dir.resolve("vigil"),
                            broker.uri(),
                            influxDb.url(),
                            settings.patterns)) {
                vigil.awaitRunning(Duration.ofMinutes(3));
                try (BareSubscriber bare = new BareSubscriber(broker.port(), "sensors/#");
                        PacedPublisher publisher = new PacedPublisher(broker.port())) {
                    long initialConnections =
                            broker.count("New client connected .* as vigil-bench");
                    System.out.printf(
                            "job running (./vigil run, log %s); vigil readers connected: %d%n",
                            vigil.log(), initialConnections);
                    List<Step> steps = new ArrayList<>();
                    Rig rig = new Rig(settings, vigil, bare, publisher, broker, initialConnections);
                    Step main = rig.step(settings.rate, settings.messages, 0);
                    print("measured", main);
                    long published = main.published();
                    for (double rate : settings.ladder) {
                        Step step = rig.step(rate, (long) (rate * settings.stepSeconds), published);
                        published += step.published();
                        print("ladder", step);
                        steps.add(step);
                    }
                    double highest =
                            steps.stream()
                                    .filter(Step::sustained)
                                    .mapToDouble(Step::rate)
                                    .max()
                                    .orElse(0);
                    System.out.printf(
                            Locale.ROOT,
                            "RESULT mqtt: at %.0f msg/s QoS 1: vigil intake %.0f msg/s, bare"
                                + " subscriber %.0f msg/s, ratio %.3f (goal >= 0.9); vigil received"
                                + " %d of %d; protocol errors %d, reconnects %d; highest ladder"
                                + " rate sustained %.0f msg/s (all received, intake >= 95%% of the"
                                + " rate, no error, no reconnect)%n",
                            main.rate(),
                            main.vigilIntake(),
                            main.bareIntake(),
                            main.ratio(),
                            main.vigilReceived(),
                            main.published(),
                            main.protocolErrors(),
                            main.reconnects(),
                            highest);
                    System.out.printf(
                            "totals: vigil log lines naming a protocol error %d, vigil reconnects"
                                + " (metric) %d, broker 'New client connected' for vigil %d (first"
                                + " connections %d)%n",
                            vigil.count(PROTOCOL_ERRORS),
                            vigil.reconnects(),
                            broker.count("New client connected .* as vigil-bench"),
                            initialConnections);
                }
            }
            if (settings.keepLogs != null) {
                Files.createDirectories(settings.keepLogs);
                Files.copy(
                        broker.log(),
                        settings.keepLogs.resolve("mosquitto.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.copy(
                        dir.resolve("vigil").resolve("vigil-run.log"),
                        settings.keepLogs.resolve("vigil-run.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            influxDb.afterAll(null);
            CoreRun.deleteRecursively(dir);
        }
    }

    /**
     * What one measurement publishes to and reads from: the broker, Vigil and a bare subscriber.
     */
    private record Rig(
            Settings settings,
            VigilProcess vigil,
            BareSubscriber bare,
            PacedPublisher publisher,
            BenchBroker broker,
            long initialConnections) {

        /** Reconnects of Vigil so far: by its metric or by the broker's log, the higher. */
        private long reconnects() throws Exception {
            return Math.max(
                    vigil.reconnects(),
                    broker.count("New client connected .* as vigil-bench") - initialConnections);
        }

        /**
         * Publishes {@code count} messages at {@code rate} and waits for both consumers to take
         * them; the messages go on from the {@code published} ones of the steps before.
         */
        Step step(double rate, long count, long published) throws Exception {
            long vigilBefore = vigil.received();
            long bareBefore = bare.received();
            long backlog = published - vigilBefore;
            long errorsBefore = vigil.count(PROTOCOL_ERRORS);
            long reconnectsBefore = reconnects();
            long start = System.nanoTime();
            SensorMessages messages = new SensorMessages(settings.devices, published);
            publisher.publish(count, rate, null, messages);
            long publishMillis = (System.nanoTime() - start) / 1_000_000;
            long deadline = System.nanoTime() + settings.drain.toNanos();
            long vigilLast = System.nanoTime();
            long vigilSeen = vigil.received();
            while (System.nanoTime() < deadline
                    && (vigilSeen - vigilBefore < count || bare.received() - bareBefore < count)) {
                Thread.sleep(100);
                long now = vigil.received();
                if (now != vigilSeen) {
                    vigilSeen = now;
                    vigilLast = System.nanoTime();
                }
            }
            long vigilReceived = vigilSeen - vigilBefore;
            long bareReceived = bare.received() - bareBefore;
            double vigilIntake = vigilReceived * 1e9 / Math.max(1, vigilLast - start);
            double bareIntake = bareReceived * 1e9 / Math.max(1, bare.lastNanos() - start);
            return new Step(
                    rate,
                    count,
                    publishMillis,
                    vigilReceived,
                    vigilIntake,
                    bareReceived,
                    bareIntake,
                    backlog,
                    vigil.count(PROTOCOL_ERRORS) - errorsBefore,
                    reconnects() - reconnectsBefore);
        }
    }

    private static void print(String label, Step s) {
        System.out.printf(
                Locale.ROOT,
                "%-8s %6.0f msg/s: published %d in %d ms; vigil received %d (%.0f msg/s), bare %d"
                    + " (%.0f msg/s); ratio %.3f; vigil backlog before the step %d; protocol errors"
                    + " %d, reconnects %d; %s%n",
                label,
                s.rate(),
                s.published(),
                s.publishMillis(),
                s.vigilReceived(),
                s.vigilIntake(),
                s.bareReceived(),
                s.bareIntake(),
                s.ratio(),
                s.backlogBefore(),
                s.protocolErrors(),
                s.reconnects(),
                s.sustained() ? "sustained" : "NOT sustained");
    }

    /** Plain readings of {@code devices} devices in turn, stamped with the time of sending. */
    static final class SensorMessages implements PacedPublisher.Messages {
        private final int devices;
        private final long offset;

        SensorMessages(int devices, long offset) {
            this.devices = devices;
            this.offset = offset;
        }

        @Override
        public String topic(long index) {
            long device = (index + offset) % devices;
            return "sensors/site-"
                    + device / 100
                    + "/dev-"
                    + device % 100
                    + (device % 2 == 0 ? "/sound" : "/temperature");
        }

        @Override
        public byte[] payload(long index, long wallMillis) {
            long n = index + offset;
            long device = n % devices;
            double value = device % 2 == 0 ? 50 + (n * 7 % 100) / 10.0 : 40 + (n * 7 % 100) / 100.0;
            return String.format(
                            Locale.ROOT,
                            "{\"ts\":%d,\"value\":%.2f,\"unit\":\"%s\"}",
                            wallMillis,
                            value,
                            device % 2 == 0 ? "dB" : "C")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Command-line settings. */
    @Command(name = "MqttEndToEnd")
    static final class Settings extends PatternFileSettings {
        @Option(names = "--rate", description = "messages/s of the measured step")
        double rate = 10_000;

        @Option(names = "--messages", description = "messages of the measured step")
        long messages = 150_000;

        @Option(names = "--ladder", split = ",", description = "rates of the ladder steps, msg/s")
        List<Double> ladder = List.of(2_500.0, 5_000.0, 10_000.0, 15_000.0, 20_000.0);

        @Option(names = "--step-seconds", description = "publishing time of each ladder step")
        int stepSeconds = 10;

        @Option(
                names = "--drain",
                converter = AnalyticsThroughput.ShortDuration.class,
                description = "how long each step waits for the consumers to catch up")
        Duration drain = Duration.ofSeconds(30);

        @Option(names = "--devices", description = "devices the messages cycle through")
        int devices = 1000;

        @Option(
                names = "--keep-logs",
                description = "a directory to copy the broker's and the job's logs to")
        Path keepLogs;
    }
}
