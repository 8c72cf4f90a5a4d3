package io.vigil.benchmarks;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.config.PatternSpec;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
 * <p>A second line counts each burst from the send of the reading that completes it instead: its
 * sensor's first reading after {@code ended_at}, the quiet one without which no burst can be told
 * from a burst still going on (other alerts as above). The difference between the two is the
 * sensor's own sampling period, not time the job takes.
 *
 * <p>The class is long (about 500 lines) because it is the whole figure: the servers, the job, the
 * paced fleet, the alert tap and both measures, so that what the figure counts is read in one
 * place; the shared pieces are {@link BenchBroker}, {@link VigilProcess} and {@link
 * PacedPublisher}.
 *
 * <pre>{@code
 * mvn -B -o -q -pl benchmarks,tools -am package -DskipTests
 * benchmarks/run.sh io.vigil.benchmarks.AlertLatency --rate 5000 --duration 6m
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
        try (BenchBroker broker = BenchBroker.start(dir.resolve("broker"), settings.brokerConf)) {
            if (!settings.brokerConf.isEmpty()) {
                System.out.println("broker config added: " + settings.brokerConf);
            }
            Files.createDirectories(dir.resolve("vigil"));
            try (VigilProcess vigil =
                    VigilProcess.start(
                            dir.resolve("vigil"),
                            VigilProcess.Input.mqtt(broker.uri()),
                            influxDb.url(),
                            settings.patterns,
                            settings.conf)) {
                if (!settings.conf.isEmpty()) {
                    System.out.println("config added: " + settings.conf);
                }
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
                List<long[]> watermarks = new ArrayList<>();
                Thread sampler = new Thread(() -> sample(vigil, watermarks), "watermark-sampler");
                sampler.setDaemon(true);
                long[] sentAt;
                long publishStartWall;
                long publishEndWall;
                try (AlertTap tap = new AlertTap(broker.port())) {
                    poller.start();
                    sampler.start();
                    try (PacedPublisher publisher = new PacedPublisher(broker.port())) {
                        sentAt = publisher.publish(fleet.size(), 0, due, new FleetMessages(fleet));
                        // The send times count from here, not from before the publisher connected.
                        publishStartWall = publisher.startedAtMillis();
                    }
                    publishEndWall = System.currentTimeMillis();
                    System.out.printf(
                            "publishing started %d ms after the fleet's first event time: event"
                                    + " times run that much behind the wall clock (latencies"
                                    + " count from each message's send)%n",
                            publishStartWall - startMillis);
                    System.out.printf(
                            "published %d messages in %d ms; waiting %s for the last alerts%n",
                            fleet.size(), publishEndWall - publishStartWall, settings.tail);
                    Thread.sleep(settings.tail.toMillis());
                    poller.interrupt();
                    sampler.interrupt();
                    poller.join(5_000);
                    sampler.join(5_000);
                    // The state of a fleet that ran live, in real time: what a cluster holds in
                    // steady state (a replay as fast as the core can go holds more readings
                    // waiting for the watermark). Taken after the alerts were timed, so that it
                    // delays none.
                    long full = vigil.fullCheckpointBytes();
                    long canonical = vigil.canonicalSavepointBytes(dir.resolve("savepoints"));
                    long sensors = scale * 100L;
                    System.out.printf(
                            "state after %s live, %d keys: full checkpoint %,d B = %,.0f B per key;"
                                    + " canonical savepoint %,d B = %,.0f B per key%n",
                            settings.duration,
                            sensors,
                            full,
                            full / (double) sensors,
                            canonical,
                            canonical / (double) sensors);
                    Published published =
                            new Published(
                                    eventTimes,
                                    sentAt,
                                    publishStartWall,
                                    publishStartWall - startMillis,
                                    publishEndWall,
                                    bySensor(fleet));
                    Map<String, Long> mqtt = tap.heard();
                    synchronized (seen) {
                        report(seen, rows, mqtt, watermarks, published, settings);
                    }
                }
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
                            AlertTap.id(
                                    String.valueOf(row.get("pattern")),
                                    row.get("site"),
                                    row.get("device"),
                                    row.get("metric"),
                                    ((Number) row.get("started_at")).longValue());
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

    /**
     * Samples, every 50 ms, the lowest watermark at the input of the alert sink (the watermark the
     * pattern operator has emitted) and the largest {@code fleetTimeLag} of the watermark
     * generators (how far the fleet's event time is behind the wall clock): {wall-clock ms,
     * watermark, lag}.
     */
    private static void sample(VigilProcess vigil, List<long[]> watermarks) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                long watermark = vigil.inputWatermark("InfluxDB alerts");
                long lag = vigil.sourceMax("Event_time_and_watermarks.fleetTimeLag");
                synchronized (watermarks) {
                    watermarks.add(new long[] {System.currentTimeMillis(), watermark, lag});
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // REST not answering for a moment: the next sample.
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * When each message was sent, in wall-clock ms, by its event time.
     *
     * @param startDelay how far the first send came after the fleet's first event time: every event
     *     time is that much behind its send by construction (generating the fleet took longer than
     *     the head start), which the job's own lag does not include
     * @param publishEndWall when the last message had been sent
     */
    private record Published(
            long[] eventTimes,
            long[] sentAt,
            long publishStartWall,
            long startDelay,
            long publishEndWall,
            Map<String, List<Integer>> bySensor) {
        /**
         * When the publisher had sent every message up to event time {@code endedAt} (the first
         * message at or after it), or -1 if no message comes that late.
         */
        long upTo(long endedAt) {
            int index = Arrays.binarySearch(eventTimes, endedAt);
            if (index < 0) {
                index = -index - 1;
            } else {
                while (index > 0 && eventTimes[index - 1] == endedAt) {
                    index--;
                }
            }
            return index >= sentAt.length ? -1 : publishStartWall + sentAt[index] / 1_000_000;
        }

        /**
         * When the publisher sent {@code sensor}'s first message after event time {@code endedAt}
         * (the reading that completes a burst), or -1 if it sent none.
         */
        long firstAfter(String sensor, long endedAt) {
            for (int index : bySensor.getOrDefault(sensor, List.of())) {
                if (eventTimes[index] > endedAt) {
                    return publishStartWall + sentAt[index] / 1_000_000;
                }
            }
            return -1;
        }
    }

    /** The fleet's message indices by sensor ({@code site/device/metric}), in event-time order. */
    private static Map<String, List<Integer>> bySensor(List<SimulatedMessage> fleet) {
        Map<String, List<Integer>> bySensor = new HashMap<>();
        for (int i = 0; i < fleet.size(); i++) {
            String topic = fleet.get(i).topic();
            bySensor.computeIfAbsent(
                            topic.substring(topic.indexOf('/') + 1), k -> new ArrayList<>())
                    .add(i);
        }
        return bySensor;
    }

    /**
     * Prints, per pattern and for all alerts, the latency to InfluxDB (the figure), and to take it
     * apart: the latency to the alert on MQTT, and the time until the watermark the pattern
     * operator emits had reached the alert's {@code ended_at} (sampled every 50 ms from Flink's
     * REST API, whose metrics are fetched every 200 ms).
     */
    private static void report(
            Map<String, Long> seen,
            Map<String, Map<String, Object>> rows,
            Map<String, Long> mqtt,
            List<long[]> watermarks,
            Published published,
            Settings settings) {
        Map<String, List<Long>> byPattern = new TreeMap<>();
        Map<String, List<Long>> toMqtt = new TreeMap<>();
        Map<String, List<Long>> toWatermark = new TreeMap<>();
        List<Long> all = new ArrayList<>();
        List<Long> fromCompleting = new ArrayList<>();
        List<Long> burstsFromCompleting = new ArrayList<>();
        Set<String> bursts = burstPatterns(settings);
        for (Map.Entry<String, Long> entry : seen.entrySet()) {
            Map<String, Object> row = rows.get(entry.getKey());
            long endedAt = ((Number) row.get("ended_at")).longValue();
            long publishedWall = published.upTo(endedAt);
            if (publishedWall < 0) {
                continue; // ended after the last message: not reachable by event time
            }
            String pattern = String.valueOf(row.get("pattern"));
            long latency = entry.getValue() - publishedWall;
            all.add(latency);
            if (bursts.contains(pattern)) {
                long completing =
                        published.firstAfter(
                                row.get("site") + "/" + row.get("device") + "/" + row.get("metric"),
                                endedAt);
                if (completing >= 0) {
                    burstsFromCompleting.add(entry.getValue() - completing);
                    fromCompleting.add(entry.getValue() - completing);
                }
            } else {
                fromCompleting.add(latency);
            }
            byPattern.computeIfAbsent(pattern, k -> new ArrayList<>()).add(latency);
            Long heard = mqtt.get(entry.getKey());
            if (heard != null) {
                toMqtt.computeIfAbsent(pattern, k -> new ArrayList<>()).add(heard - publishedWall);
            }
            synchronized (watermarks) {
                for (long[] sample : watermarks) {
                    if (sample[1] >= endedAt) {
                        toWatermark
                                .computeIfAbsent(pattern, k -> new ArrayList<>())
                                .add(sample[0] - publishedWall);
                        break;
                    }
                }
            }
        }
        for (Map.Entry<String, List<Long>> entry : byPattern.entrySet()) {
            System.out.printf("%-16s %s%n", entry.getKey(), describe(entry.getValue()));
        }
        System.out.printf("%-16s %s%n", "all alerts", describe(all));
        System.out.println(
                "from the send of the reading that completes each alert (a burst's first reading"
                        + " after ended_at; other alerts as above):");
        System.out.printf("%-16s %s%n", "bursts", describe(burstsFromCompleting));
        System.out.printf("%-16s %s%n", "all alerts", describe(fromCompleting));
        System.out.println("taken apart (ms after the publisher had sent the alert's ended_at):");
        for (String pattern : byPattern.keySet()) {
            System.out.printf(
                    "%-16s watermark out of the patterns reached ended_at: %s%n",
                    pattern, describe(toWatermark.getOrDefault(pattern, List.of())));
            System.out.printf(
                    "%-16s alert heard on MQTT:                         %s%n",
                    pattern, describe(toMqtt.getOrDefault(pattern, List.of())));
        }
        List<Long> lags = new ArrayList<>();
        synchronized (watermarks) {
            for (long[] sample : watermarks) {
                // Only while messages were being sent: after the last one the lag just grows.
                if (sample[1] > Long.MIN_VALUE
                        && sample[2] > 0
                        && sample[0] >= published.publishStartWall()
                        && sample[0] <= published.publishEndWall()) {
                    lags.add(sample[2] - published.startDelay());
                }
            }
        }
        System.out.printf(
                "%-16s %s%n",
                "fleet time lag",
                describe(
                        lags,
                        "samples while publishing of the wall clock - the fleet's newest reading"
                                + " time, less the start delay above"));
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

    /** The names of the burst patterns of the pattern file the job runs. */
    private static Set<String> burstPatterns(Settings settings) {
        try {
            return PatternConfigLoader.load(settings.patterns).patterns().stream()
                    .filter(BurstSpec.class::isInstance)
                    .map(PatternSpec::name)
                    .collect(Collectors.toSet());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + settings.patterns, e);
        }
    }

    private static String describe(List<Long> latencies) {
        return describe(latencies, "alerts");
    }

    private static String describe(List<Long> latencies, String what) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return "no " + what;
        }
        return String.format(
                Locale.ROOT,
                "%d %s, latency ms min %d, p50 %d, p99 %d, max %d",
                sorted.length,
                what,
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
        Duration duration = Duration.ofMinutes(10);

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

        @Option(
                names = "--conf",
                description = "a line 'key: value' added to the job's config (repeatable)")
        List<String> conf = new ArrayList<>();

        @Option(
                names = "--broker-conf",
                description =
                        "a line added to Mosquitto's config (repeatable), e.g."
                                + " 'max_inflight_messages 0'")
        List<String> brokerConf = new ArrayList<>();
    }
}
