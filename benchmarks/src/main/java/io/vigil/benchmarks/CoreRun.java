package io.vigil.benchmarks;

import io.vigil.cep.config.PatternConfig;
import io.vigil.model.RawMessage;
import io.vigil.model.WindowAggregate;
import io.vigil.pipeline.SensorAnalytics;
import io.vigil.tools.ShippedConfig;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Runs Vigil's core ({@link SensorAnalytics}) on a mini cluster with the state backend and the
 * checkpointing of the shipped {@code flink-conf/config.yaml} (RocksDB, incremental checkpoints at
 * the shipped interval), over an input given as a function of a sequence number, and reports the
 * readings per second and, from one full checkpoint taken when {@code fullCheckpointAt} of the
 * input has been read, the state size; with {@code savepoint}, also the size of a savepoint in
 * Flink's canonical format taken right after that checkpoint (the state's logical size).
 *
 * <p>The class is long (about 450 lines) because figures 1, 2 and 4 share it: the shipped settings
 * and their TaskManager memory, the mini cluster, the timing and CPU span, and the checkpoint and
 * savepoint measurements, each used by all three.
 */
final class CoreRun {

    /**
     * What the driver watches of each run, by {@link Tally} key: the messages read so far ({@code
     * <run>/read}, the source's progress) and the valid readings counted in window aggregates so
     * far ({@code <run>/aggregated}).
     */
    private static final Map<String, LongAdder> TALLIES = new ConcurrentHashMap<>();

    /**
     * The settings taken from the shipped cluster configuration, as {@code vigil run} takes them,
     * and the managed memory that sizes RocksDB; nothing else of it applies.
     */
    private static final List<String> SHIPPED_KEYS =
            Stream.concat(
                            ShippedConfig.KEYS.stream(),
                            Stream.of(TaskManagerOptions.MANAGED_MEMORY_SIZE.key()))
                    .toList();

    private CoreRun() {}

    /**
     * What one run gave. {@code processingMillis}: from the first message read to the moment the
     * window aggregates had counted every valid reading (polled every 20 ms), so without the job's
     * deployment and without the wait for the final checkpoint that a finishing job with
     * checkpoints makes; -1 if the count never got there. {@code processingCpuNanos}: the CPU time
     * this process (every thread: the job's tasks, the garbage collector, the JIT compiler) used
     * over the same span, -1 with it.
     */
    record Outcome(
            long messages,
            long processingMillis,
            long processingCpuNanos,
            long netRuntimeMillis,
            Map<String, Object> counts,
            long fullCheckpointBytes,
            long savepointBytes,
            long completedCheckpoints,
            long failedCheckpoints,
            String checkpointSummary) {

        /** The time the rates are computed from: the processing time, else the net runtime. */
        long millis() {
            return processingMillis > 0 ? processingMillis : netRuntimeMillis;
        }
    }

    /** The shipped settings of {@code confDir}/config.yaml that a job on a cluster runs with. */
    static Configuration shipped(Path confDir, Path checkpoints) {
        Configuration config = ShippedConfig.under(new Configuration(), confDir, SHIPPED_KEYS);
        if (Files.isRegularFile(confDir.resolve("config.yaml"))) {
            // A mini cluster ignores the managed fraction and gives RocksDB 128 MiB: the shipped
            // TaskManager's own share, computed as a TaskManager of its process size computes it.
            config.set(
                    TaskManagerOptions.MANAGED_MEMORY_SIZE,
                    TaskExecutorProcessUtils.processSpecFromConfig(
                                    GlobalConfiguration.loadConfiguration(confDir.toString()))
                            .getManagedMemorySize());
        }
        config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        return withCheckpointDir(config, checkpoints);
    }

    /** Heap state, no checkpoints: the in-memory core of figure 1. */
    static Configuration inMemory() {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        config.set(RestOptions.PORT, 0);
        return config;
    }

    private static Configuration withCheckpointDir(Configuration config, Path checkpoints) {
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        config.set(RestOptions.PORT, 0);
        return config;
    }

    static String describe(Configuration config) {
        StringBuilder out = new StringBuilder();
        for (String key : SHIPPED_KEYS) {
            config.getOptional(stringOption(key))
                    .ifPresent(
                            v ->
                                    out.append(out.length() == 0 ? "" : ", ")
                                            .append(key)
                                            .append('=')
                                            .append(v));
        }
        return out.toString();
    }

    private static ConfigOption<String> stringOption(String key) {
        return org.apache.flink.configuration.ConfigOptions.key(key).stringType().noDefaultValue();
    }

    /**
     * One run of the core over the messages of a prepared {@code fleet}, dealt to the source
     * subtasks as {@link AnalyticsThroughput.MessageAt} does, on a fresh mini cluster of {@code
     * parallelism} slots.
     */
    static Outcome run(
            String name,
            Configuration config,
            int parallelism,
            PatternConfig patterns,
            AnalyticsThroughput.Fleet fleet,
            double fullCheckpointAt,
            boolean savepoint)
            throws Exception {
        return run(
                name,
                config,
                parallelism,
                patterns,
                fleet.messages(),
                new AnalyticsThroughput.MessageAt(fleet.inputName(), fleet.messages(), parallelism),
                fleet.readings(),
                fullCheckpointAt,
                savepoint);
    }

    /**
     * One run of the core over {@code messages} inputs made by {@code input}, on a fresh mini
     * cluster of {@code parallelism} slots.
     */
    static Outcome run(
            String name,
            Configuration config,
            int parallelism,
            PatternConfig patterns,
            long messages,
            MapFunction<Long, RawMessage> input,
            long validReadings,
            double fullCheckpointAt,
            boolean savepoint)
            throws Exception {
        String read = name + "/read";
        String counted = name + "/aggregated";
        LongAdder progress = new LongAdder();
        TALLIES.put(read, progress);
        LongAdder aggregated = new LongAdder();
        TALLIES.put(counted, aggregated);
        Configuration observed = new Configuration(config);
        // Every checkpoint of the run in the statistics, so that failures are counted by reason.
        observed.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 100_000);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(observed)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(parallelism)
                                .build());
        cluster.start();
        try {
            URI rest = cluster.getRestAddress().get();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            rest.getHost(), rest.getPort(), config);
            env.setParallelism(parallelism);
            DataStream<RawMessage> source =
                    env.fromSequence(0, messages - 1)
                            .map(input)
                            .returns(TypeInformation.of(RawMessage.class))
                            .map(new Tally<RawMessage>(read, message -> 1))
                            .returns(TypeInformation.of(RawMessage.class))
                            .name("Input");
            SensorAnalytics.Outputs out = new SensorAnalytics(config, patterns).apply(source);
            out.aggregates()
                    .map(new Tally<WindowAggregate>(counted, WindowAggregate::count))
                    .returns(TypeInformation.of(WindowAggregate.class))
                    .process(new AnalyticsThroughput.Count<>("aggregates"))
                    .sinkTo(new DiscardingSink<>());
            out.alerts()
                    .process(new AnalyticsThroughput.Count<>("alerts"))
                    .sinkTo(new DiscardingSink<>());
            out.deadLetters()
                    .process(new AnalyticsThroughput.Count<>("deadLetters"))
                    .sinkTo(new DiscardingSink<>());
            JobClient client = env.executeAsync(name);
            JobID job = client.getJobID();
            long fullBytes = -1;
            long savepointBytes = -1;
            int fullAttempts = 0;
            long threshold = (long) (messages * fullCheckpointAt);
            long firstRead = -1;
            long allAggregated = -1;
            long firstReadCpu = -1;
            long allAggregatedCpu = -1;
            while (!client.getJobStatus().get().isGloballyTerminalState()) {
                long now = System.nanoTime();
                if (firstRead < 0 && progress.sum() > 0) {
                    firstRead = now;
                    firstReadCpu = ProcessCpu.nanos();
                }
                if (allAggregated < 0 && aggregated.sum() >= validReadings) {
                    allAggregated = now;
                    allAggregatedCpu = ProcessCpu.nanos();
                }
                if (fullBytes < 0 && fullAttempts < 3 && progress.sum() >= threshold) {
                    fullAttempts++;
                    fullBytes = fullCheckpoint(cluster, job);
                    if (savepoint) {
                        savepointBytes = canonicalSavepoint(cluster, job, config);
                    }
                }
                Thread.sleep(20);
            }
            if (allAggregated < 0 && aggregated.sum() >= validReadings) {
                allAggregated = System.nanoTime();
                allAggregatedCpu = ProcessCpu.nanos();
            }
            JobExecutionResult result = client.getJobExecutionResult().get();
            CheckpointStatsSnapshot stats =
                    cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
            return new Outcome(
                    messages,
                    firstRead < 0 || allAggregated < 0
                            ? -1
                            : Math.max(1, (allAggregated - firstRead) / 1_000_000),
                    firstRead < 0 || allAggregated < 0 ? -1 : allAggregatedCpu - firstReadCpu,
                    result.getNetRuntime(TimeUnit.MILLISECONDS),
                    result.getAllAccumulatorResults(),
                    fullBytes,
                    savepointBytes,
                    stats.getCounts().getNumberOfCompletedCheckpoints(),
                    stats.getCounts().getNumberOfFailedCheckpoints(),
                    summary(stats));
        } finally {
            cluster.close();
            TALLIES.remove(read);
            TALLIES.remove(counted);
        }
    }

    /** A full (not incremental) checkpoint now; its state size in bytes, or -1 if it failed. */
    private static long fullCheckpoint(MiniCluster cluster, JobID job) throws Exception {
        long id;
        try {
            id = cluster.triggerCheckpoint(job, CheckpointType.FULL).get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            System.out.println("full checkpoint failed: " + e);
            return -1;
        }
        AbstractCheckpointStats stats =
                cluster.getExecutionGraph(job)
                        .get()
                        .getCheckpointStatsSnapshot()
                        .getHistory()
                        .getCheckpointById(id);
        return stats == null ? -1 : stats.getStateSize();
    }

    /**
     * A savepoint in Flink's canonical format now, in the checkpoint directory; its size in bytes,
     * or -1 if it failed. It holds each live state entry once, serialized by its own serializer:
     * the state's logical size, without RocksDB's files (versions not yet compacted away, block
     * overhead, compression).
     */
    private static long canonicalSavepoint(MiniCluster cluster, JobID job, Configuration config)
            throws Exception {
        String checkpoints = config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        if (checkpoints == null) {
            return -1;
        }
        Path dir = Path.of(URI.create(checkpoints)).resolve("savepoints");
        String path;
        try {
            path =
                    cluster.triggerSavepoint(
                                    job,
                                    dir.toUri().toString(),
                                    false,
                                    SavepointFormatType.CANONICAL)
                            .get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            System.out.println("canonical savepoint failed: " + e);
            return -1;
        }
        return savepointBytes(path);
    }

    /**
     * The bytes of the files of the savepoint at {@code location} (a path or a {@code file:} URI,
     * as Flink reports a savepoint's location).
     */
    static long savepointBytes(String location) throws IOException {
        Path saved =
                location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        try (Stream<Path> files = Files.walk(saved)) {
            return files.filter(Files::isRegularFile).mapToLong(CoreRun::size).sum();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String summary(CheckpointStatsSnapshot stats) {
        List<CompletedCheckpointStats> completed =
                stats.getHistory().getCheckpoints().stream()
                        .filter(CompletedCheckpointStats.class::isInstance)
                        .map(CompletedCheckpointStats.class::cast)
                        .sorted(Comparator.comparingLong(AbstractCheckpointStats::getCheckpointId))
                        .toList();
        StringBuilder out = new StringBuilder();
        // Failures by reason, over the whole run (the history is sized to hold it).
        Map<String, Long> failures =
                stats.getHistory().getCheckpoints().stream()
                        .filter(FailedCheckpointStats.class::isInstance)
                        .map(c -> String.valueOf(((FailedCheckpointStats) c).getFailureMessage()))
                        .collect(
                                Collectors.groupingBy(m -> m, TreeMap::new, Collectors.counting()));
        failures.forEach(
                (reason, count) ->
                        out.append(
                                String.format("%n  failed checkpoints: %d x %s", count, reason)));
        for (CompletedCheckpointStats c :
                completed.subList(Math.max(0, completed.size() - 10), completed.size())) {
            out.append(
                    String.format(
                            "%n  checkpoint %d: %s, state %,d B, checkpointed %,d B, %d ms",
                            c.getCheckpointId(),
                            c.getProperties().getCheckpointType().getName(),
                            c.getStateSize(),
                            c.getCheckpointedSize(),
                            c.getEndToEndDuration()));
        }
        return out.toString();
    }

    static Path tempDir(String prefix) throws Exception {
        return Files.createTempDirectory(prefix);
    }

    static void deleteRecursively(Path dir) throws Exception {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String perKey(long bytes, long keys) {
        return bytes < 0 ? "n/a" : String.format("%,.0f", bytes / (double) keys);
    }

    static Duration interval(Configuration config) {
        return config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL);
    }

    static String backend(Configuration config) {
        return config.get(StateBackendOptions.STATE_BACKEND);
    }

    /** How much one element adds to a {@link Tally}. */
    @FunctionalInterface
    interface Weight<T> extends Serializable {
        long of(T element);
    }

    /**
     * Adds each element's weight to the run's counter under {@code key}, for the driver (same JVM)
     * to see; the elements pass on unchanged.
     */
    static final class Tally<T> implements MapFunction<T, T> {
        private static final long serialVersionUID = 1L;

        private final String key;
        private final Weight<T> weight;
        private transient LongAdder counter;

        Tally(String key, Weight<T> weight) {
            this.key = key;
            this.weight = weight;
        }

        @Override
        public T map(T element) {
            if (counter == null) {
                counter = TALLIES.get(key);
            }
            counter.add(weight.of(element));
            return element;
        }
    }
}
