package io.vigil.benchmarks;

import io.vigil.testing.InfluxDbExtension;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 11, figure 5: alert latency, from publishing to the alert point appearing in a real
 * InfluxDB, with Vigil running as {@code ./vigil run} runs it on a real Mosquitto (see {@link
 * MqttEndToEnd}). A simulated fleet whose event time starts now and is published in real time (each
 * message when its event time comes) at about {@code --rate} messages/s, with injected bursts,
 * drifts and silences; InfluxDB's {@code alerts} measurement is polled every 100 ms.
 *
 * <p>Latency of an alert = the moment the poll first saw it - the moment the publisher had sent
 * everything up to the alert's {@code ended_at} (the first message at or after that event time: for
 * a burst or drift the last matching reading, for a silence the moment event time reached the end
 * of the silent period). It therefore includes the watermark's out-of-orderness, the pattern's own
 * wait (a burst ends at the next quiet reading), the checkpoint-driven flushes of the sink and the
 * 100 ms polling.
 *
 * <pre>{@code
 * mvn -B -o -q -pl benchmarks,tools -am package -DskipTests
 * benchmarks/run.sh io.vigil.benchmarks.AlertLatency --rate 5000 --duration 4m
 * }</pre>
 */
public final class AlertLatency {

    /** Messages per second per simulated sensor: half microphones (1/s), half pumps (1/5 s). */
    private static final double MESSAGES_PER_SENSOR = 0.6;

    private AlertLatency() {}

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        System.out.println(AnalyticsThroughput.machine());
        int scale = Math.max(1, (int) Math.round(settings.rate / MESSAGES_PER_SENSOR / 100));
        Path dir = Files.createTempDirectory("vigil-bench-latency-");
        InfluxDbExtension influxDb = new InfluxDbExtension();
        influxDb.beforeAll(null);
        try (BenchBroker broker = BenchBroker.start(dir.resolve("broker"))) {
            Files.createDirectories(dir.resolve("vigil"));
            try (VigilProcess vigil =
                    VigilProcess.start(
                            dir.resolve("vigil"),
                            broker.uri(),
                            influxDb.url(),
                            settings.patterns)) {
                vigil.awaitRunning(Duration.ofMinutes(3));
                // The fleet starts a little in the future: generating it takes a moment.
                long startMillis = System.currentTimeMillis() + 5_000 + scale * 20L;
                SimulationSpec spec =
                        SimulationSpec.builder()
                                .setSites(scale)
                                .setDevicesPerSite(100)
                                .setStartMillis(startMillis)
                                .setDuration(settings.duration)
                                .setSeed(11)
                                .setBursts(scale * settings.burstsPer100)
                                .setDrifts(scale)
                                .setSilences(scale * settings.silencesPer100)
                                .setMalformedShare(0)
                                .setMixedPayloads(false)
                                .build();
                List<SimulatedMessage> fleet = FleetSimulation.generate(spec).messages();
                double rate = fleet.size() / (double) settings.duration.toSeconds();
                System.out.printf(
                        Locale.ROOT,
                        "fleet: %d sensors, %s of event time from now, %d messages (%.0f msg/s in"
                                + " real time), %d bursts, %d drifts, %d silences injected%n",
                        scale * 100,
                        settings.duration,
                        fleet.size(),
                        rate,
                        scale * settings.burstsPer100,
                        scale,
                        scale * settings.silencesPer100);
                long[] eventTimes = fleet.stream().mapToLong(SimulatedMessage::eventTime).toArray();
                long wait = startMillis - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                long[] due = new long[fleet.size()];
                for (int i = 0; i < due.length; i++) {
                    due[i] = (eventTimes[i] - startMillis) * 1_000_000L;
                }
                Map<String, Long> seen = new HashMap<>();
                Map<String, Map<String, Object>> rows = new HashMap<>();
                Thread poller =
                        new Thread(() -> poll(influxDb, seen, rows, settings), "influxdb-poller");
                poller.setDaemon(true);
                long publishStartWall = System.currentTimeMillis();
                long publishStartNanos = System.nanoTime();
                poller.start();
                long[] sentAt;
                try (PacedPublisher publisher = new PacedPublisher(broker.port())) {
                    sentAt = publisher.publish(fleet.size(), 0, due, new FleetMessages(fleet));
                }
                System.out.printf(
                        "published %d messages in %d ms; waiting %s for the last alerts%n",
                        fleet.size(),
                        (System.nanoTime() - publishStartNanos) / 1_000_000,
                        settings.tail);
                Thread.sleep(settings.tail.toMillis());
                poller.interrupt();
                poller.join(5_000);
                report(seen, rows, eventTimes, sentAt, publishStartWall, settings);
            }
        } finally {
            influxDb.afterAll(null);
            CoreRun.deleteRecursively(dir);
        }
    }

    private static void poll(
            InfluxDbExtension influxDb,
            Map<String, Long> seen,
            Map<String, Map<String, Object>> rows,
            Settings settings) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long now = System.currentTimeMillis();
                for (Map<String, Object> row : influxDb.query("vigil", "SELECT * FROM alerts")) {
                    String id =
                            row.get("pattern")
                                    + " "
                                    + row.get("site")
                                    + "/"
                                    + row.get("device")
                                    + "/"
                                    + row.get("metric")
                                    + " "
                                    + row.get("started_at");
                    synchronized (seen) {
                        if (seen.putIfAbsent(id, now) == null) {
                            rows.put(id, row);
                        }
                    }
                }
            } catch (RuntimeException e) {
                // The database does not exist until the job's sink creates it.
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void report(
            Map<String, Long> seen,
            Map<String, Map<String, Object>> rows,
            long[] eventTimes,
            long[] sentAt,
            long publishStartWall,
            Settings settings) {
        Map<String, List<Long>> byPattern = new TreeMap<>();
        List<Long> all = new ArrayList<>();
        synchronized (seen) {
            for (Map.Entry<String, Long> entry : seen.entrySet()) {
                Map<String, Object> row = rows.get(entry.getKey());
                long endedAt = ((Number) row.get("ended_at")).longValue();
                int index = Arrays.binarySearch(eventTimes, endedAt);
                if (index < 0) {
                    index = -index - 1;
                } else {
                    while (index > 0 && eventTimes[index - 1] == endedAt) {
                        index--;
                    }
                }
                if (index >= sentAt.length) {
                    continue; // ended after the last message: not reachable by event time
                }
                long publishedWall = publishStartWall + sentAt[index] / 1_000_000;
                long latency = entry.getValue() - publishedWall;
                all.add(latency);
                byPattern
                        .computeIfAbsent(String.valueOf(row.get("pattern")), k -> new ArrayList<>())
                        .add(latency);
            }
        }
        for (Map.Entry<String, List<Long>> entry : byPattern.entrySet()) {
            System.out.printf("%-16s %s%n", entry.getKey(), describe(entry.getValue()));
        }
        System.out.printf("%-16s %s%n", "all alerts", describe(all));
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "RESULT latency: at %.0f msg/s, %d alerts: p50 %s ms, p99 %s ms (goal p99 <="
                        + " out-of-orderness 5 s + 1 s = 6000 ms)%n",
                settings.rate,
                sorted.length,
                sorted.length == 0 ? "n/a" : Long.toString(percentile(sorted, 50)),
                sorted.length == 0 ? "n/a" : Long.toString(percentile(sorted, 99)));
    }

    private static String describe(List<Long> latencies) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return "no alerts";
        }
        return String.format(
                Locale.ROOT,
                "%d alerts, latency ms min %d, p50 %d, p99 %d, max %d",
                sorted.length,
                sorted[0],
                percentile(sorted, 50),
                percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The fleet's messages as they are, payloads with their simulated (now-based) event times. */
    private record FleetMessages(List<SimulatedMessage> fleet) implements PacedPublisher.Messages {
        @Override
        public String topic(long index) {
            return fleet.get((int) index).topic();
        }

        @Override
        public byte[] payload(long index, long wallMillis) {
            return fleet.get((int) index).payload();
        }
    }

    /** Command-line settings. */
    @Command(name = "AlertLatency")
    static final class Settings extends PatternFileSettings {
        @Option(names = "--rate", description = "messages/s to aim for (sets the fleet size)")
        double rate = 5_000;

        @Option(
                names = "--duration",
                converter = AnalyticsThroughput.ShortDuration.class,
                description = "event time (= publishing time) of the fleet")
        Duration duration = Duration.ofMinutes(4);

        @Option(names = "--bursts-per-100", description = "bursts injected per 100 sensors")
        int burstsPer100 = 2;

        @Option(
                names = "--silences-per-100",
                description = "silences injected per 100 sensors (a silence needs --duration 6m)")
        int silencesPer100 = 0;

        @Option(
                names = "--tail",
                converter = AnalyticsThroughput.ShortDuration.class,
                description = "how long to wait for alerts after the last message")
        Duration tail = Duration.ofSeconds(30);
    }
}
