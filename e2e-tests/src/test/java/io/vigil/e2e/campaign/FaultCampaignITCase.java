package io.vigil.e2e.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.e2e.ClockTicks;
import io.vigil.e2e.FleetMessages;
import io.vigil.e2e.GroundTruth;
import io.vigil.e2e.ReaderProbe;
import io.vigil.e2e.cluster.FlinkProcessCluster;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fault campaign on the real process cluster: the packaged job on a JobManager and TaskManagers
 * as separate processes ({@link FlinkProcessCluster}, the shipped {@code flink-conf/config.yaml}:
 * RocksDB, incremental and unaligned checkpoints, exponential-delay restarts), reading a simulated
 * fleet from Mosquitto and writing to InfluxDB, while, at seeded-random points of the input, one
 * run suffers: TaskManager SIGKILLs (the first right after a checkpoint's metadata is written, so
 * before the tasks hear of it), a Mosquitto restart with persistent sessions, an InfluxDB outage,
 * and a rescale (stop with savepoint, start at another parallelism). What InfluxDB then holds must
 * equal a fault-free run of the same input: the simulator's ground truth ({@link CampaignOutcome}).
 * The figures go to a results file whether the run passes or not.
 *
 * <p>The source reads with shared subscriptions at every parallelism ({@code
 * mqtt.shared-subscription.always}), so the rescale keeps each reader's session. Mosquitto 2.0
 * restores such sessions after its restart without their shared subscription until the readers
 * subscribe again, so the simulator publishes nothing from the broker's stop until every reader has
 * subscribed again: the configuration {@code docs/mqtt-source.md} names as losing nothing.
 *
 * <p>The normal suite runs it small (see {@link CampaignSettings}); {@code mvn -Pcampaign} or
 * {@code scripts/campaign.sh} runs it at 10^6 readings over 10^4 keys with every fault.
 */
class FaultCampaignITCase {

    private static final String DATABASE = "vigil_campaign";
    private static final String SOURCE = "MQTT sensors";
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

    /** The readers' {@code mqtt.connectionState} gauge when every session is connected. */
    private static final double CONNECTED = 3;

    private static final String AGGREGATES =
            "SELECT count(\"count\") FROM sensor_aggregates WHERE site != '"
                    + ClockTicks.SITE
                    + "'";
    private static final String DEAD_LETTERS =
            "SELECT * FROM dead_letters WHERE topic !~ /^sensors\\/probe/";

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder()
                    .withMaxQueuedMessages(5_000_000)
                    // The source's default receive maximum: a reader may have that many
                    // messages of a checkpoint interval unacknowledged.
                    .withMaxInflightMessages(20_000)
                    .build();

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @TempDir Path tmp;

    private final CampaignSettings settings = CampaignSettings.fromSystemProperties();
    private final List<String> faultLog = new ArrayList<>();
    private final List<Long> restores = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> faultsFailed = new ArrayList<>();
    private int parallelism;
    private FlinkProcessCluster cluster;
    private String jarId;
    private JobID job;
    private long startNanos;

    /** A fault, applied after the simulator has published the input up to {@code cut}. */
    private record Fault(Kind kind, int cut, long delayMillis) {}

    private enum Kind {
        KILL_AFTER_CHECKPOINT,
        KILL,
        BROKER_RESTART,
        INFLUXDB_OUTAGE,
        RESCALE
    }

    @Test
    void theJobUnderFaultsWritesWhatAFaultFreeRunWrites() throws Exception {
        startNanos = System.nanoTime();
        Instant started = Instant.now();
        FleetSimulation simulation = settings.simulate();
        List<SimulatedMessage> messages = simulation.messages();
        List<Fault> plan = plan(messages.size());
        try (FlinkProcessCluster processes = startCluster()) {
            cluster = processes;
            jarId = cluster.uploadJar(Path.of(System.getProperty("vigil.job.jar")));
            parallelism = settings.parallelism();
            job = cluster.run(jarId, List.of("--config", jobConfig(parallelism)));
            awaitSubscribed("sensors/probe");
            int from = 0;
            for (int i = 0; i < plan.size(); i++) {
                Fault fault = plan.get(i);
                if (from < fault.cut()) {
                    FleetMessages.publish(MOSQUITTO.uri(), messages.subList(from, fault.cut()));
                    from = fault.cut();
                }
                Thread.sleep(fault.delayMillis());
                int next = i + 1 < plan.size() ? plan.get(i + 1).cut() : messages.size();
                try {
                    from = apply(fault, messages.subList(from, next), from);
                } catch (Exception | AssertionError e) {
                    // Recorded, and the run goes on: the figures of the rest still count.
                    faultsFailed.add(
                            fault.kind()
                                    + " failed: "
                                    + e.getMessage().lines().findFirst().orElse(""));
                }
            }
            if (from < messages.size()) {
                FleetMessages.publish(MOSQUITTO.uri(), messages.subList(from, messages.size()));
            }
            try (MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
                // Past every window and burst, short of a silence at the end of the data.
                ClockTicks.publish(probe, simulation.spec().endMillis() + 90_000);
            }
            long published = elapsedSeconds();
            boolean complete = awaitEverythingWritten(simulation);
            // Anything the job would wrongly add comes within a few checkpoints.
            Thread.sleep(3 * CHECKPOINT_INTERVAL.toMillis());
            long done = elapsedSeconds();
            restores.add(cluster.checkpoints(job).restored());
            failures.addAll(cluster.failures(job));

            CampaignOutcome outcome =
                    CampaignOutcome.compare(
                            simulation,
                            aggregates(simulation),
                            INFLUXDB.query(DATABASE, "SELECT * FROM alerts WHERE state = 'firing'"),
                            INFLUXDB.query(DATABASE, DEAD_LETTERS));
            writeResults(started, simulation, plan, published, done, complete, outcome);
            keepLogs();
            cluster.cancel(job);

            assertThat(faultsFailed).as("faults that could not be applied").isEmpty();
            assertThat(complete).as("every aggregate and alert written in time").isTrue();
            assertThat(outcome.differences())
                    .as("differences from a fault-free run: %s", outcome.examples())
                    .allSatisfy((name, n) -> assertThat(n).as(name).isZero());
        }
    }

    /**
     * The faults in a seeded-random order, each at a seeded-random message of the input (between 5
     * % and 90 % of it) and a random 0 to 2 s after that message was published.
     */
    private List<Fault> plan(int messages) {
        Random random = new Random(settings.seed());
        List<Kind> kinds = new ArrayList<>();
        kinds.add(Kind.KILL_AFTER_CHECKPOINT);
        for (int i = 1; i < settings.taskManagerKills(); i++) {
            kinds.add(Kind.KILL);
        }
        kinds.add(Kind.BROKER_RESTART);
        kinds.add(Kind.INFLUXDB_OUTAGE);
        kinds.add(Kind.RESCALE);
        Collections.shuffle(kinds, random);
        TreeSet<Integer> cuts = new TreeSet<>();
        while (cuts.size() < kinds.size()) {
            cuts.add(messages / 20 + random.nextInt(messages * 17 / 20));
        }
        List<Fault> plan = new ArrayList<>();
        List<Integer> sorted = new ArrayList<>(cuts);
        for (int i = 0; i < kinds.size(); i++) {
            plan.add(new Fault(kinds.get(i), sorted.get(i), random.nextInt(2_000)));
        }
        return plan;
    }

    /**
     * Applies one fault and waits until the job runs again; returns how many messages are published
     * then. {@code upToTheNextFault} follows the {@code published} ones.
     */
    private int apply(Fault fault, List<SimulatedMessage> upToTheNextFault, int published)
            throws Exception {
        long at = elapsedSeconds();
        String what =
                switch (fault.kind()) {
                    case KILL_AFTER_CHECKPOINT -> killRightAfterACheckpoint(fault);
                    case KILL -> kill(fault);
                    case BROKER_RESTART -> restartBroker();
                    case INFLUXDB_OUTAGE -> {
                        // The input up to the next fault is published during the outage.
                        String outage = stopInfluxDb(upToTheNextFault);
                        published += upToTheNextFault.size();
                        yield outage;
                    }
                    case RESCALE -> rescale();
                };
        faultLog.add(
                String.format(
                        Locale.ROOT,
                        "%-22s after message %,d (+%d ms), at %d s, for %d s: %s",
                        fault.kind(),
                        fault.cut(),
                        fault.delayMillis(),
                        at,
                        elapsedSeconds() - at,
                        what));
        return published;
    }

    private String killRightAfterACheckpoint(Fault fault) throws Exception {
        await(
                () -> cluster.allTasksRunning(job) && cluster.checkpoints(job).completed() > 0,
                Duration.ofMinutes(2),
                () -> "no completed checkpoint to kill after");
        int taskManager = taskManagerWithTasks(fault);
        long restoredBefore = cluster.checkpoints(job).restored();
        Path checkpoints = cluster.checkpointDirectory(job);
        long latest = latestCheckpointOnDisk(checkpoints);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long completed = latest;
        // Ids of failed or aborted checkpoints are used up too: any later one will do.
        while (completed == latest) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("No checkpoint completed within 5 minutes");
            }
            LockSupport.parkNanos(200_000);
            completed = latestCheckpointOnDisk(checkpoints);
        }
        long metadataSeen = System.nanoTime();
        Path metadata = checkpoints.resolve("chk-" + completed).resolve("_metadata");
        long killedAfterMicros = (System.nanoTime() - metadataSeen) / 1_000;
        cluster.killTaskManager(taskManager);
        cluster.startTaskManager();
        awaitRestored(restoredBefore);
        return String.format(
                Locale.ROOT,
                "SIGKILL to TaskManager %d %d µs after %s was seen; restored from checkpoint %d",
                taskManager,
                killedAfterMicros,
                checkpoints.relativize(metadata),
                cluster.restoredCheckpointId(job));
    }

    private String kill(Fault fault) throws Exception {
        await(
                () -> cluster.allTasksRunning(job) && cluster.checkpoints(job).completed() > 0,
                Duration.ofMinutes(2),
                () -> "no completed checkpoint before the kill");
        int taskManager = taskManagerWithTasks(fault);
        long restoredBefore = cluster.checkpoints(job).restored();
        cluster.killTaskManager(taskManager);
        cluster.startTaskManager();
        awaitRestored(restoredBefore);
        return String.format(
                Locale.ROOT,
                "SIGKILL of TaskManager %d; restored from checkpoint %d",
                taskManager,
                cluster.restoredCheckpointId(job));
    }

    /**
     * A running TaskManager, picked by the fault's seeded delay; every one runs a task, as the
     * cluster has one slot per TaskManager and as many TaskManagers as the job's parallelism.
     */
    private int taskManagerWithTasks(Fault fault) {
        List<Integer> running = cluster.runningTaskManagers();
        return running.get((int) (fault.delayMillis() % running.size()));
    }

    private void awaitRestored(long restoredBefore) throws Exception {
        await(
                () ->
                        cluster.checkpoints(job).restored() > restoredBefore
                                && cluster.allTasksRunning(job),
                Duration.ofMinutes(3),
                () -> "the job did not recover from a checkpoint after the TaskManager kill");
    }

    /**
     * Stops Mosquitto (SIGTERM, so it writes its persistence file) and starts it again; nothing is
     * published until every reader has subscribed again after resuming its session.
     */
    private String restartBroker() throws Exception {
        // Every reader connected first: one that connects only after the restart makes a new
        // session and has nothing to resume.
        await(
                () ->
                        cluster.allTasksRunning(job)
                                && cluster
                                                .subtaskMetric(job, SOURCE, "mqtt.connectionState")
                                                .values()
                                                .stream()
                                                .filter(state -> state == CONNECTED)
                                                .count()
                                        == parallelism
                                && resubscriptions().size() == parallelism,
                Duration.ofMinutes(3),
                () -> "not every reader is connected");
        Map<Integer, Double> before = resubscriptions();
        long restoredBefore = cluster.checkpoints(job).restored();
        MOSQUITTO.stop();
        MOSQUITTO.start();
        await(
                () -> {
                    Map<Integer, Double> now = resubscriptions();
                    boolean everyReader = now.size() == before.size();
                    for (Map.Entry<Integer, Double> e : before.entrySet()) {
                        everyReader &= now.getOrDefault(e.getKey(), 0.0) > e.getValue();
                    }
                    return everyReader || cluster.checkpoints(job).restored() > restoredBefore;
                },
                Duration.ofMinutes(3),
                () ->
                        String.format(
                                "not every reader subscribed again after the broker restart:"
                                        + " resubscriptions %s -> %s, reconnects %s",
                                before,
                                uncheckedMetric("mqtt.sharedResubscriptions"),
                                uncheckedMetric("mqtt.reconnects")));
        awaitSubscribed("sensors/probe-broker");
        return String.format(
                Locale.ROOT,
                "shared resubscriptions per reader %s -> %s, job restarts %d",
                before,
                resubscriptions(),
                cluster.checkpoints(job).restored() - restoredBefore);
    }

    private String uncheckedMetric(String metric) {
        try {
            return String.valueOf(cluster.subtaskMetric(job, SOURCE, metric));
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }

    private Map<Integer, Double> resubscriptions() throws Exception {
        return cluster.subtaskMetric(job, SOURCE, "mqtt.sharedResubscriptions");
    }

    /** Stops InfluxDB, publishes {@code during} meanwhile, and starts it after the outage. */
    private String stopInfluxDb(List<SimulatedMessage> during) throws Exception {
        long restoredBefore = cluster.checkpoints(job).restored();
        long stopped = System.nanoTime();
        INFLUXDB.stop();
        FleetMessages.publish(MOSQUITTO.uri(), during);
        long left = settings.influxDbOutage().toNanos() - (System.nanoTime() - stopped);
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
        INFLUXDB.start();
        long outage = (System.nanoTime() - stopped) / 1_000_000;
        await(
                () -> cluster.jobStatus(job) == JobStatus.RUNNING,
                Duration.ofMinutes(3),
                () -> "the job did not run again after the InfluxDB outage");
        return String.format(
                Locale.ROOT,
                "InfluxDB down for %d ms, %,d messages published meanwhile, job restarts %d",
                outage,
                during.size(),
                cluster.checkpoints(job).restored() - restoredBefore);
    }

    /** Stops the job with a savepoint and runs it from there at the other parallelism. */
    private String rescale() throws Exception {
        restores.add(cluster.checkpoints(job).restored());
        await(
                () -> cluster.allTasksRunning(job),
                Duration.ofMinutes(3),
                () -> "the job's tasks are not all running");
        failures.addAll(cluster.failures(job));
        String savepoint = cluster.stopWithSavepoint(job, tmp.resolve("savepoints"));
        cluster.awaitJobStatus(job, JobStatus.FINISHED);
        while (cluster.runningTaskManagers().size() < settings.rescaleTo()) {
            cluster.startTaskManager();
        }
        JobID before = job;
        job =
                cluster.runFromSavepoint(
                        jarId, List.of("--config", jobConfig(settings.rescaleTo())), savepoint);
        parallelism = settings.rescaleTo();
        awaitSubscribed("sensors/probe-rescaled");
        return String.format(
                Locale.ROOT,
                "job %s stopped with savepoint %s at parallelism %d, job %s runs from it at %d",
                before,
                Path.of(savepoint.replaceFirst("^file:", "")).getFileName(),
                settings.parallelism(),
                job,
                settings.rescaleTo());
    }

    private FlinkProcessCluster startCluster() throws IOException, InterruptedException {
        return FlinkProcessCluster.builder()
                .setWorkDir(Files.createDirectories(tmp.resolve("flink")))
                // One slot each: every TaskManager runs tasks, so every kill takes some.
                .setTaskManagers(settings.parallelism())
                .setSlotsPerTaskManager(1)
                .setCheckpointInterval(CHECKPOINT_INTERVAL)
                .setStartTimeout(Duration.ofMinutes(3))
                // The readers' metrics, which tell when they subscribed again, at most 0.5 s old.
                .setConfig("metrics.fetcher.update-interval", "500")
                .build()
                .start();
    }

    /** The job's config file, as an operator writes it for {@code flink run}. */
    private String jobConfig(int parallelism) throws IOException {
        Path patterns =
                Path.of("../cep-patterns/patterns/default.yaml").toAbsolutePath().normalize();
        String yaml =
                String.join(
                        "\n",
                        "mqtt.broker-uris: " + MOSQUITTO.uri(),
                        "mqtt.topic-filters: sensors/#",
                        "mqtt.qos: 1",
                        "mqtt.client-id-prefix: vigil-campaign",
                        "mqtt.shared-subscription.group: vigil-campaign",
                        "mqtt.shared-subscription.always: true",
                        "influxdb.url: " + INFLUXDB.url(),
                        "influxdb.database: " + DATABASE,
                        "influxdb.create-database: true",
                        "patterns.files: " + patterns,
                        // A reader restored later than the others must not find its backlog
                        // behind their watermark.
                        "analytics.idleness: 2min",
                        // Silences are judged in event time only: the faults stop the job for
                        // longer than the data's silences last.
                        "patterns.silence.processing-time-grace: 1h",
                        "parallelism.default: " + parallelism,
                        "");
        Path file = tmp.resolve("vigil-p" + parallelism + ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file.toString();
    }

    private void awaitSubscribed(String probeTopic) throws Exception {
        try (MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            await(
                    ReaderProbe.deadLetterArrived(probe, INFLUXDB, DATABASE, probeTopic),
                    Duration.ofMinutes(3),
                    () -> "no reader subscribed");
        }
    }

    /** Waits until InfluxDB has as many aggregates and alerts as expected; false on a timeout. */
    private boolean awaitEverythingWritten(FleetSimulation simulation) throws Exception {
        int windows = GroundTruth.expectedAggregates(simulation).size();
        long alerts =
                simulation.episodes().size() - simulation.episodes(Episode.Kind.MALFORMED).size();
        String alertCount = "SELECT count(peak) FROM alerts WHERE state = 'firing'";
        try {
            await(
                    () ->
                            INFLUXDB.count(DATABASE, AGGREGATES) >= windows
                                    && INFLUXDB.count(DATABASE, alertCount) >= alerts,
                    // The job may still be minutes behind the simulator.
                    Duration.ofMinutes(5).plusMillis(settings.readings()),
                    () ->
                            String.format(
                                    "expected %d aggregates and %d alerts, have %d and %d",
                                    windows,
                                    alerts,
                                    INFLUXDB.count(DATABASE, AGGREGATES),
                                    INFLUXDB.count(DATABASE, alertCount)));
            return true;
        } catch (AssertionError timedOut) {
            faultLog.add("not complete: " + timedOut.getMessage().lines().findFirst().orElse(""));
            return false;
        }
    }

    /** The fleet's aggregates, site by site, so that no answer reaches a row limit. */
    private static List<Map<String, Object>> aggregates(FleetSimulation simulation) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String site :
                simulation.readings().stream().map(r -> r.site()).distinct().sorted().toList()) {
            rows.addAll(
                    INFLUXDB.query(
                            DATABASE,
                            "SELECT * FROM sensor_aggregates WHERE site = '" + site + "'"));
        }
        assertThat((long) rows.size())
                .as("rows read site by site")
                .isEqualTo(INFLUXDB.count(DATABASE, AGGREGATES));
        return rows;
    }

    private void writeResults(
            Instant started,
            FleetSimulation simulation,
            List<Fault> plan,
            long published,
            long done,
            boolean complete,
            CampaignOutcome outcome)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("Vigil fault campaign (FaultCampaignITCase), started " + started);
        lines.add(
                String.format(
                        Locale.ROOT,
                        "seed %d; %,d keys (%d sites x %d devices), %,d readings in %,d messages"
                                + " (%,d malformed), %s of event time; %d episodes",
                        settings.seed(),
                        simulation.spec().sites() * simulation.spec().devicesPerSite(),
                        simulation.spec().sites(),
                        simulation.spec().devicesPerSite(),
                        simulation.readings().size(),
                        simulation.messages().size(),
                        simulation.messages().stream().filter(m -> m.isMalformed()).count(),
                        simulation.spec().duration(),
                        simulation.episodes().size()
                                - simulation.episodes(Episode.Kind.MALFORMED).size()));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "process cluster: JobManager + TaskManagers of 1 slot,"
                            + " flink-conf/config.yaml with checkpoints every %d s; parallelism %d,"
                            + " then %d",
                        CHECKPOINT_INTERVAL.toSeconds(),
                        settings.parallelism(),
                        settings.rescaleTo()));
        lines.add("");
        lines.add("faults (times from the start of the test, cluster start included):");
        faultLog.forEach(line -> lines.add("  " + line));
        faultsFailed.forEach(line -> lines.add("  " + line));
        lines.add(
                String.format(
                        Locale.ROOT,
                        "all input published at %d s; output %s at %d s; checkpoint restores per"
                                + " job %s",
                        published,
                        complete ? "complete" : "INCOMPLETE",
                        done,
                        restores));
        lines.add(
                "job failures (exception history), each followed by a restore: " + failures.size());
        failures.forEach(failure -> lines.add("  " + failure));
        lines.add("");
        lines.add("counts against the fault-free output (the simulator's ground truth):");
        outcome.counts()
                .forEach(
                        (name, n) -> lines.add(String.format(Locale.ROOT, "  %-48s %,d", name, n)));
        lines.add("");
        lines.add(
                "outcome: "
                        + (complete && outcome.isIdentical()
                                ? "IDENTICAL to the fault-free run"
                                : "DIFFERENT from the fault-free run"));
        outcome.examples().forEach(example -> lines.add("  " + example));
        Files.createDirectories(settings.results().toAbsolutePath().getParent());
        Files.write(settings.results(), lines, StandardCharsets.UTF_8);
        lines.forEach(System.out::println);
    }

    /** The processes' logs, next to the results file. */
    private void keepLogs() throws IOException {
        Path logs =
                Files.createDirectories(settings.results().toAbsolutePath().resolveSibling("logs"));
        try (var files = Files.list(tmp.resolve("flink"))) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                Files.copy(
                        log, logs.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(logs.resolve("mosquitto.log"), MOSQUITTO.log(), StandardCharsets.UTF_8);
    }

    private long elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1_000_000_000;
    }

    private static long latestCheckpointOnDisk(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return 0;
        }
        try (var entries = Files.list(checkpoints)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("chk-\\d+"))
                    .filter(name -> Files.exists(checkpoints.resolve(name).resolve("_metadata")))
                    .mapToLong(name -> Long.parseLong(name.substring(4)))
                    .max()
                    .orElse(0);
        }
    }

    /** Waits as {@link Await#until} does, and shows the JobManager's log when it times out. */
    private void await(Callable<Boolean> condition, Duration timeout, Supplier<String> what)
            throws Exception {
        Await.until(
                condition,
                timeout,
                () ->
                        String.format(
                                "%s%nJobManager log:%n%s",
                                what.get(), cluster.logTail("jobmanager", 60)));
    }
}
