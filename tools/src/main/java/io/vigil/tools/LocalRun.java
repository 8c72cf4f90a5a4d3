package io.vigil.tools;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.scheduler.exceptionhistory.RootExceptionHistoryEntry;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.SerializedThrowable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job on a local mini cluster with the semantics of a production cluster, as {@code vigil run}
 * runs it: RocksDB state, incremental checkpoints to a directory under a local state folder, and a
 * WARN with the cause and the count on every restart.
 *
 * <pre>{@code
 * try (LocalRun run = LocalRun.start(LocalRun.withLocalState(jobConfig, Path.of("vigil-state")))) {
 *     JobID job = run.submit(env -> SensorAnalyticsJob.wire(env, setup, connectors), "vigil");
 *     run.awaitEnd(job);
 * }
 * }</pre>
 */
final class LocalRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);

    /** The web UI's port when the configuration names none, as Flink's own local web UI. */
    static final int DEFAULT_REST_PORT = 8081;

    private static final long POLL_MILLIS = 500;

    private final MiniCluster cluster;
    private final Configuration config;

    private LocalRun(MiniCluster cluster, Configuration config) {
        this.cluster = cluster;
        this.config = config;
    }

    /**
     * {@code job} plus what a local run needs so that its state can grow as on a cluster: without
     * them Flink keeps checkpoints in the JobManager's memory, which refuses more than 5 MB and
     * makes the job restart from the beginning at every checkpoint. Settings the job gives win.
     */
    static Configuration withLocalState(Configuration job, Path stateDir) {
        Configuration config = new Configuration(job);
        Path state = stateDir.toAbsolutePath().normalize();
        setIfAbsent(config, StateBackendOptions.STATE_BACKEND, "rocksdb");
        setIfAbsent(config, CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        setIfAbsent(config, CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        setIfAbsent(
                config,
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                state.resolve("checkpoints").toUri().toString());
        setIfAbsent(
                config,
                CheckpointingOptions.SAVEPOINT_DIRECTORY,
                state.resolve("savepoints").toUri().toString());
        setIfAbsent(config, RestOptions.PORT, DEFAULT_REST_PORT);
        setIfAbsent(
                config,
                CoreOptions.DEFAULT_PARALLELISM,
                Runtime.getRuntime().availableProcessors());
        setIfAbsent(
                config,
                TaskManagerOptions.NUM_TASK_SLOTS,
                config.get(CoreOptions.DEFAULT_PARALLELISM));
        return config;
    }

    private static <T> void setIfAbsent(Configuration config, ConfigOption<T> option, T value) {
        if (!config.contains(option)) {
            config.set(option, value);
        }
    }

    /** Starts a mini cluster (one TaskManager) with {@code config}. */
    static LocalRun start(Configuration config) throws Exception {
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(config)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(
                                        config.get(TaskManagerOptions.NUM_TASK_SLOTS))
                                .build());
        cluster.start();
        return new LocalRun(cluster, config);
    }

    /** The cluster, for its REST address and the job's checkpoints. */
    MiniCluster cluster() {
        return cluster;
    }

    /** Builds the job with {@code wiring} on an environment of this cluster and submits it. */
    JobID submit(Consumer<StreamExecutionEnvironment> wiring, String name) throws Exception {
        URI rest = cluster.getRestAddress().get();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        rest.getHost(), rest.getPort(), config);
        wiring.accept(env);
        JobClient client = env.executeAsync(name);
        return client.getJobID();
    }

    /**
     * Waits until the job has ended, logging each failure of it as a WARN with its cause and how
     * many restarts there have been: the restart strategy hides failures otherwise, and a job that
     * restarts again and again looks like one that runs.
     */
    JobResult awaitEnd(JobID job) throws Exception {
        long lastSeen = Long.MIN_VALUE;
        int failures = 0;
        while (true) {
            JobStatus status = cluster.getJobStatus(job).get();
            List<RootExceptionHistoryEntry> fresh = new ArrayList<>();
            for (RootExceptionHistoryEntry entry :
                    cluster.getExecutionGraphInfo(job).get().getExceptionHistory()) {
                if (entry.getTimestamp() > lastSeen) {
                    fresh.add(entry);
                }
            }
            fresh.sort(Comparator.comparingLong(RootExceptionHistoryEntry::getTimestamp));
            for (int i = 0; i < fresh.size(); i++) {
                failures++;
                lastSeen = fresh.get(i).getTimestamp();
                // Only the newest failure of a failed job ended it; every other one restarted it.
                boolean ended =
                        i == fresh.size() - 1
                                && (status == JobStatus.FAILED || status == JobStatus.FAILING);
                warn(failures, ended, fresh.get(i).getException());
            }
            if (status.isGloballyTerminalState()) {
                return cluster.requestJobResult(job).get();
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static void warn(int failures, boolean ended, SerializedThrowable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootCause = root == cause ? "" : "; root cause: " + root;
        if (ended) {
            LOG.warn("The job failed (failure {}): {}{}", failures, cause, rootCause);
        } else {
            LOG.warn(
                    "The job failed and restarts from its last completed checkpoint (restart {}):"
                            + " {}{}",
                    failures,
                    cause,
                    rootCause);
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
