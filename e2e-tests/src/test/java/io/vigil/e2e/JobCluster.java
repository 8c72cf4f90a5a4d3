package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The mini cluster on which the job ITCases run the whole job at parallelism 2, started before the
 * class's tests and closed after them: two TaskManagers of one slot each, so that both run tasks
 * and losing one always takes running tasks with it. With what those ITCases share about a run: the
 * job's settings, the fleet they publish and waiting until InfluxDB holds its results.
 */
final class JobCluster implements BeforeAllCallback, AfterAllCallback {

    private MiniCluster cluster;
    private int taskManagersLost;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setNumTaskManagers(2)
                                .setNumSlotsPerTaskManager(1)
                                .withRandomPorts()
                                .build());
        cluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Starts the job as {@code setup} configures it, at parallelism 2. */
    JobClient start(String name, JobSetup setup) throws Exception {
        TestStreamEnvironment env =
                new TestStreamEnvironment(cluster, setup.config(), 2, List.of(), List.of());
        SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
        return env.executeAsync(name);
    }

    /**
     * Terminates the oldest TaskManager still running and starts another. The mini cluster keeps
     * terminated TaskManagers in its list, so the next live one has the next index.
     */
    void loseATaskManager() throws Exception {
        cluster.terminateTaskManager(taskManagersLost++).get();
        cluster.startTaskManager();
    }

    void awaitRestart(JobClient job) throws Exception {
        Await.until(
                () -> restarted(job),
                Duration.ofSeconds(60),
                () -> "the job did not restart after losing a TaskManager");
    }

    private boolean restarted(JobClient job) {
        try {
            return cluster.getExecutionGraph(job.getJobID())
                            .get()
                            .getStatusTimestamp(JobStatus.RESTARTING)
                    > 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long completedCheckpoints(JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID())
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    static void cancelUnlessEnded(JobClient job) throws Exception {
        if (!job.getJobStatus().get().isGloballyTerminalState()) {
            job.cancel().get();
        }
    }

    /**
     * The job's settings for a run named {@code name}: those of its source, then what every run
     * shares (the default patterns, a fresh InfluxDB database, checkpoints every {@code
     * checkpointInterval} on RocksDB under {@code checkpoints}, five restarts).
     */
    static JobSetup setup(
            String name,
            InfluxDbExtension influxDb,
            String database,
            Path checkpoints,
            Duration checkpointInterval,
            String... sourceArgs)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(sourceArgs));
        args.addAll(
                List.of(
                        "--influxdb.url", influxDb.url(),
                        "--influxdb.database", database,
                        "--influxdb.create-database", "true",
                        "--patterns.files",
                                Path.of("../cep-patterns/patterns/default.yaml").toString(),
                        "--patterns.silence.processing-time-grace", "1h",
                        "--execution.checkpointing.interval", checkpointInterval.toMillis() + "ms",
                        "--execution.checkpointing.dir",
                                checkpoints.resolve(name).toUri().toString(),
                        "--state.backend.type", "rocksdb",
                        "--restart-strategy.type", "fixed-delay",
                        "--restart-strategy.fixed-delay.attempts", "5",
                        "--restart-strategy.fixed-delay.delay", "1s"));
        return JobSetup.fromArgs(args.toArray(String[]::new));
    }

    /**
     * A fleet of three sites over six minutes, with a few malformed messages; the caller sets its
     * size, seed and episodes.
     */
    static SimulationSpec.Builder fleet(int devicesPerSite, long seed) {
        return SimulationSpec.builder()
                .setSites(3)
                .setDevicesPerSite(devicesPerSite)
                .setDuration(Duration.ofMinutes(6))
                .setSeed(seed)
                .setMalformedShare(0.002);
    }

    /**
     * Waits until the database holds every window aggregate of the fleet (those of the clock site
     * aside) and a firing alert per episode, and with {@code resolvedToo} a resolved one as well.
     */
    static void awaitEverythingWritten(
            InfluxDbExtension influxDb,
            String database,
            FleetSimulation simulation,
            boolean resolvedToo)
            throws Exception {
        int windows = GroundTruth.expectedAggregates(simulation).size();
        int alerts =
                simulation.episodes().size() - simulation.episodes(Episode.Kind.MALFORMED).size();
        String aggregates =
                "SELECT count(\"count\") FROM sensor_aggregates WHERE site != '"
                        + ClockTicks.SITE
                        + "'";
        String firing = "SELECT count(peak) FROM alerts WHERE state = 'firing'";
        String resolved = "SELECT count(peak) FROM alerts WHERE state = 'resolved'";
        Await.until(
                () ->
                        influxDb.count(database, aggregates) >= windows
                                && influxDb.count(database, firing) >= alerts
                                && (!resolvedToo || influxDb.count(database, resolved) >= alerts),
                Duration.ofMinutes(4),
                () ->
                        String.format(
                                "expected %d aggregates and %d alerts fired (and resolved: %s),"
                                        + " have %d, %d and %d (%d late readings among the dead"
                                        + " letters)",
                                windows,
                                alerts,
                                resolvedToo,
                                influxDb.count(database, aggregates),
                                influxDb.count(database, firing),
                                influxDb.count(database, resolved),
                                influxDb.count(
                                        database,
                                        "SELECT count(payload) FROM dead_letters WHERE reason ="
                                                + " 'late'")));
    }

    /** A dead letter per malformed message of the fleet, by reason and topic. */
    static Map<String, Integer> expectedDeadLetterKeys(FleetSimulation simulation) {
        Map<String, Integer> keys = new TreeMap<>();
        for (SimulatedMessage m : simulation.messages()) {
            if (m.isMalformed()) {
                keys.merge(m.expectedReason() + " " + m.topic(), 1, Integer::sum);
            }
        }
        assertThat(keys).isNotEmpty();
        return keys;
    }
}
