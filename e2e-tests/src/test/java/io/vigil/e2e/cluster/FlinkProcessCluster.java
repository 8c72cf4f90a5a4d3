package io.vigil.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.testing.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;

/**
 * A real Flink session cluster for tests: a JobManager and TaskManagers as separate JVM processes,
 * started from the Flink jars on the test classpath and configured from Vigil's {@code
 * flink-conf/config.yaml} with loopback addresses, free ports and temporary directories laid over
 * it; jobs are submitted over the REST API, as {@code flink run} does.
 *
 * <pre>{@code
 * try (FlinkProcessCluster cluster =
 *         FlinkProcessCluster.builder()
 *                 .setConfigFile(Path.of("../flink-conf/config.yaml"))
 *                 .setWorkDir(tmp)
 *                 .build()
 *                 .start()) {
 *     JobID job = cluster.run(cluster.uploadJar(jar), List.of("--config", "vigil.yaml"));
 * }
 * }</pre>
 */
public final class FlinkProcessCluster implements AutoCloseable {

    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /** Flink's own {@code env.java.opts.all} default: what Flink's code needs opened on Java 17. */
    private static final List<String> OPENS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * Jars a Flink distribution has in {@code lib/} besides Flink's provided dependencies: the
     * shaded libraries (guava also reaches the job through flink-cep, so Maven lists it there) and
     * the logging implementation.
     */
    private static final Predicate<String> DISTRIBUTION_EXTRAS =
            artifact ->
                    artifact.startsWith("flink-shaded-")
                            || artifact.equals("slf4j-api")
                            || artifact.equals("log4j-api")
                            || artifact.equals("log4j-core")
                            || artifact.startsWith("log4j-slf4j");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path configFile;
    private final Path log4jFile;
    private final Path providedClasspathFile;
    private final Path workDir;
    private final int initialTaskManagers;
    private final int slotsPerTaskManager;
    private final Duration checkpointInterval;
    private final Duration startTimeout;
    private final Map<String, Object> overrides;

    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private final List<Process> taskManagers = new ArrayList<>();
    private final Set<Process> killed = new HashSet<>();
    // HTTP/1.1 only, as Flink's REST endpoint speaks: no HTTP/2 upgrade attempt on each connection.
    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
    private final Thread shutdownHook = new Thread(this::destroyAll, "flink-process-cluster-stop");

    private Process jobManager;
    private Path confDir;
    private String classpath;
    private String java;
    private int restPort;

    private FlinkProcessCluster(Builder builder) {
        this.configFile = builder.configFile;
        this.log4jFile = builder.log4jFile;
        this.providedClasspathFile = builder.providedClasspathFile;
        this.workDir = builder.workDir;
        this.initialTaskManagers = builder.taskManagers;
        this.slotsPerTaskManager = builder.slotsPerTaskManager;
        this.checkpointInterval = builder.checkpointInterval;
        this.startTimeout = builder.startTimeout;
        this.overrides = new LinkedHashMap<>(builder.overrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the cluster. */
    public static final class Builder {
        private Path configFile = Path.of("../flink-conf/config.yaml");
        private Path log4jFile = Path.of("../flink-conf/log4j-console.properties");
        private Path providedClasspathFile = Path.of("target/classpath-provided.txt");
        private Path workDir;
        private int taskManagers = 2;
        private int slotsPerTaskManager = 1;
        private Duration checkpointInterval = Duration.ofSeconds(2);
        private Duration startTimeout = Duration.ofSeconds(90);
        private final Map<String, Object> overrides = new LinkedHashMap<>();

        private Builder() {}

        /** The Flink {@code config.yaml} to start from (default {@code ../flink-conf/}). */
        public Builder setConfigFile(Path configFile) {
            this.configFile = configFile;
            return this;
        }

        /** The log4j configuration of the processes (default {@code ../flink-conf/}). */
        public Builder setLog4jFile(Path log4jFile) {
            this.log4jFile = log4jFile;
            return this;
        }

        /**
         * The classpath file that Maven writes for the provided scope: the jars a Flink
         * distribution brings (default {@code target/classpath-provided.txt}).
         */
        public Builder setProvidedClasspathFile(Path providedClasspathFile) {
            this.providedClasspathFile = providedClasspathFile;
            return this;
        }

        /** Where the configuration, the logs and the checkpoints go. */
        public Builder setWorkDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Builder setTaskManagers(int taskManagers) {
            this.taskManagers = taskManagers;
            return this;
        }

        public Builder setSlotsPerTaskManager(int slotsPerTaskManager) {
            this.slotsPerTaskManager = slotsPerTaskManager;
            return this;
        }

        public Builder setCheckpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = checkpointInterval;
            return this;
        }

        /**
         * How long the processes may take to come up, and a job to reach a status or finish a
         * savepoint.
         */
        public Builder setStartTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Sets one more configuration key (dotted), over the file and the test overlay. */
        public Builder setConfig(String key, Object value) {
            this.overrides.put(key, value);
            return this;
        }

        public FlinkProcessCluster build() {
            check(configFile != null && Files.isRegularFile(configFile), "configFile", configFile);
            check(log4jFile != null && Files.isRegularFile(log4jFile), "log4jFile", log4jFile);
            check(
                    providedClasspathFile != null && Files.isRegularFile(providedClasspathFile),
                    "providedClasspathFile",
                    providedClasspathFile);
            check(workDir != null && Files.isDirectory(workDir), "workDir", workDir);
            check(taskManagers >= 1, "taskManagers", taskManagers);
            check(slotsPerTaskManager >= 1, "slotsPerTaskManager", slotsPerTaskManager);
            check(
                    checkpointInterval != null && !checkpointInterval.isNegative(),
                    "checkpointInterval",
                    checkpointInterval);
            check(
                    startTimeout != null && !startTimeout.isNegative() && !startTimeout.isZero(),
                    "startTimeout",
                    startTimeout);
            return new FlinkProcessCluster(this);
        }

        private static void check(boolean condition, String setting, Object value) {
            if (!condition) {
                throw new IllegalArgumentException(String.format("Invalid %s: %s", setting, value));
            }
        }
    }

    /** Completed, restored and failed checkpoints of a job, as the REST API counts them. */
    public record CheckpointCounts(long completed, long restored, long failed) {}

    /**
     * Writes the configuration, starts the JobManager and the TaskManagers and waits until all
     * TaskManagers have registered; on any failure stops what it started.
     */
    public FlinkProcessCluster start() throws IOException, InterruptedException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            classpath = flinkClasspath();
            confDir = Files.createDirectories(workDir.resolve("conf"));
            writeConfig();
            startJobManager();
            awaitOverview(
                    o -> o.path("taskmanagers").isInt(), "the JobManager's REST API", "jobmanager");
            for (int i = 0; i < initialTaskManagers; i++) {
                startTaskManager();
            }
            awaitTaskManagers(initialTaskManagers);
            return this;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The REST API's base address, e.g. {@code http://127.0.0.1:40123}. */
    public String restAddress() {
        return "http://127.0.0.1:" + restPort;
    }

    /** Every process started so far, including those that have ended. */
    public List<Process> processes() {
        synchronized (processes) {
            return List.copyOf(processes);
        }
    }

    /**
     * The last {@code lines} lines of a process's log: {@code jobmanager} or {@code taskmanager-N}.
     */
    public String logTail(String name, int lines) {
        try {
            List<String> all = Files.readAllLines(workDir.resolve(name + ".log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log " + name + ": " + e + ")";
        }
    }

    /** Uploads a job jar ({@code POST /jars/upload}); returns the jar id for {@link #run}. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----vigil-" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\n"
                                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(restAddress() + "/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.ofByteArrays(
                                        List.of(head, Files.readAllBytes(jar), tail)))
                        .timeout(Duration.ofSeconds(60))
                        .build();
        JsonNode response = send(request);
        String file = response.path("filename").asText();
        if (!"success".equals(response.path("status").asText()) || file.isEmpty()) {
            throw new IllegalStateException("Cannot upload " + jar + ": " + response);
        }
        return Path.of(file).getFileName().toString();
    }

    /** Runs the uploaded jar's main class with these arguments ({@code POST /jars/:id/run}). */
    public JobID run(String jarId, List<String> args) throws IOException, InterruptedException {
        return run(jarId, args, null);
    }

    /** Runs the uploaded jar restored from a savepoint, refusing state it cannot map. */
    public JobID runFromSavepoint(String jarId, List<String> args, String savepointPath)
            throws IOException, InterruptedException {
        return run(jarId, args, savepointPath);
    }

    private JobID run(String jarId, List<String> args, String savepointPath)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        // "programArgs" (one string) is silently ignored by Flink 2.3: only the list form works.
        args.forEach(body.putArray("programArgsList")::add);
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
            body.put("allowNonRestoredState", false);
        }
        JsonNode response = post("/jars/" + jarId + "/run", body, Duration.ofSeconds(120));
        String jobId = response.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IllegalStateException(
                    "No job id in the response to run " + jarId + ": " + response);
        }
        return JobID.fromHexString(jobId);
    }

    public JobStatus jobStatus(JobID job) throws IOException, InterruptedException {
        return JobStatus.valueOf(get("/jobs/" + job).path("state").asText());
    }

    public CheckpointCounts checkpoints(JobID job) throws IOException, InterruptedException {
        JsonNode counts = get("/jobs/" + job + "/checkpoints").path("counts");
        return new CheckpointCounts(
                counts.path("completed").asLong(),
                counts.path("restored").asLong(),
                counts.path("failed").asLong());
    }

    /**
     * The job's failures as its exception history holds them, oldest first: for each the task that
     * failed, the exception's first line and the last {@code Caused by:} line of its stack trace.
     */
    public List<String> failures(JobID job) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        for (JsonNode entry :
                get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries")) {
            List<String> lines = entry.path("stacktrace").asText().lines().toList();
            String first = lines.isEmpty() ? entry.path("exceptionName").asText() : lines.get(0);
            String cause =
                    lines.stream()
                            .filter(l -> l.startsWith("Caused by:"))
                            .reduce((a, b) -> b)
                            .orElse("");
            failures.add(
                    0,
                    String.format(
                            "%s: %s%s",
                            entry.path("taskName").asText("(job)"),
                            first,
                            cause.isEmpty() ? "" : " / " + cause));
        }
        return failures;
    }

    /**
     * Whether the job and every one of its tasks are running (a restart has its tasks deploying).
     */
    public boolean allTasksRunning(JobID job) throws IOException, InterruptedException {
        JsonNode details = get("/jobs/" + job);
        if (!"RUNNING".equals(details.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : details.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The id of the checkpoint the job was last restored from, -1 if it never was. */
    public long restoredCheckpointId(JobID job) throws IOException, InterruptedException {
        JsonNode restored = get("/jobs/" + job + "/checkpoints").path("latest").path("restored");
        return restored.path("id").asLong(-1);
    }

    /**
     * Where the job's checkpoints are written: a checkpoint {@code n} is complete once {@code
     * chk-n/_metadata} is there, which the JobManager writes before it tells the tasks.
     */
    public Path checkpointDirectory(JobID job) {
        return workDir.resolve("checkpoints").resolve(job.toHexString());
    }

    /**
     * One metric of each subtask of the job's first vertex whose name contains {@code vertex}: the
     * value of the subtask's metric whose id ends with {@code metric}, by subtask index; a subtask
     * that does not report it (yet) is left out. The JobManager fetches metrics every {@code
     * metrics.fetcher.update-interval}, so a value may be that old.
     */
    public Map<Integer, Double> subtaskMetric(JobID job, String vertex, String metric)
            throws IOException, InterruptedException {
        JsonNode found = null;
        for (JsonNode v : get("/jobs/" + job).path("vertices")) {
            if (v.path("name").asText().contains(vertex)) {
                found = v;
                break;
            }
        }
        if (found == null) {
            throw new IllegalStateException("Job " + job + " has no vertex named like " + vertex);
        }
        String base = "/jobs/" + job + "/vertices/" + found.path("id").asText() + "/subtasks/";
        Map<Integer, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < found.path("parallelism").asInt(); i++) {
            String id = null;
            for (JsonNode m : get(base + i + "/metrics")) {
                if (m.path("id").asText().endsWith(metric)) {
                    id = m.path("id").asText();
                }
            }
            if (id == null) {
                continue;
            }
            JsonNode answer =
                    get(base + i + "/metrics?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            if (answer.size() > 0) {
                values.put(i, answer.get(0).path("value").asDouble());
            }
        }
        return values;
    }

    /** The checkpoint interval the job runs with ({@code /jobs/:id/checkpoints/config}). */
    public Duration checkpointInterval(JobID job) throws IOException, InterruptedException {
        return Duration.ofMillis(
                get("/jobs/" + job + "/checkpoints/config").path("interval").asLong());
    }

    /**
     * Stops the job with a savepoint (sources stop first, so the savepoint holds everything read
     * and nothing is processed after it); returns the savepoint's path.
     */
    public String stopWithSavepoint(JobID job, Path dir) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", dir.toUri().toString());
        body.put("drain", false);
        return awaitSavepoint(job, post("/jobs/" + job + "/stop", body, Duration.ofSeconds(30)));
    }

    private String awaitSavepoint(JobID job, JsonNode trigger)
            throws IOException, InterruptedException {
        String requestId = trigger.path("request-id").asText();
        if (requestId.isEmpty()) {
            throw new IllegalStateException("No savepoint request id for " + job + ": " + trigger);
        }
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + job + "/savepoints/" + requestId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.hasNonNull("location")) {
                    return operation.path("location").asText();
                }
                throw new IllegalStateException(
                        "Savepoint of "
                                + job
                                + " failed: "
                                + operation.path("failure-cause").path("stack-trace").asText());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Savepoint of " + job + " not done within " + startTimeout);
    }

    /** Cancels the job ({@code PATCH /jobs/:id}) and waits until it is cancelled. */
    public void cancel(JobID job) throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(restAddress() + "/jobs/" + job + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build();
        sendRepeatable(request);
        awaitJobStatus(job, JobStatus.CANCELED);
    }

    /**
     * Cancels {@code job} when closed, for try-with-resources: a failure to cancel is then added to
     * the test's own failure as a suppressed exception instead of replacing it, as one thrown from
     * a {@code finally} block would.
     */
    public AutoCloseable cancelling(JobID job) {
        return () -> cancel(job);
    }

    /** Waits until the job reaches this status; fails early if it ends in another one. */
    public void awaitJobStatus(JobID job, JobStatus expected)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        JobStatus status = jobStatus(job);
        while (status != expected) {
            if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        String.format(
                                "Job %s is %s, expected %s; JobManager log:%n%s",
                                job, status, expected, logTail("jobmanager", 60)));
            }
            Thread.sleep(200);
            status = jobStatus(job);
        }
    }

    /**
     * Kills a TaskManager process at once (SIGKILL), as a crashed machine would go: no
     * deregistration, no graceful cancel of its tasks.
     */
    public void killTaskManager(int index) throws InterruptedException {
        Process taskManager = taskManagers.get(index);
        killed.add(taskManager);
        taskManager.destroyForcibly();
        if (!taskManager.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("TaskManager " + index + " survived SIGKILL");
        }
    }

    /** The indices of the TaskManagers started and neither killed nor ended. */
    public List<Integer> runningTaskManagers() {
        List<Integer> running = new ArrayList<>();
        for (int i = 0; i < taskManagers.size(); i++) {
            if (taskManagers.get(i).isAlive() && !killed.contains(taskManagers.get(i))) {
                running.add(i);
            }
        }
        return running;
    }

    /** Starts one more TaskManager; returns its index (its log is {@code taskmanager-N}). */
    public int startTaskManager() throws IOException, InterruptedException {
        int index = taskManagers.size();
        String name = "taskmanager-" + index;
        List<String> params = bashJavaUtils("GET_TM_RESOURCE_PARAMS", name);
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(Arrays.asList(params.get(0).trim().split("\\s+")));
        command.addAll(jvmOptions(name));
        command.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        command.add("--configDir");
        command.add(confDir.toString());
        command.addAll(Arrays.asList(params.get(1).trim().split("\\s+")));
        taskManagers.add(launch(name, command));
        return index;
    }

    /** Waits until exactly this many TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count) throws IOException, InterruptedException {
        awaitOverview(
                o -> o.path("taskmanagers").asInt() == count,
                count + " registered TaskManagers",
                "taskmanager-" + (taskManagers.size() - 1));
    }

    /** Stops every process this cluster started: politely first, then with SIGKILL. */
    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDownOrGone) {
            // Nothing left to remove.
        }
    }

    private void destroyAll() {
        List<Process> all = processes();
        all.forEach(Process::destroy);
        for (Process process : all) {
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void startJobManager() throws IOException, InterruptedException {
        List<String> params = bashJavaUtils("GET_JM_RESOURCE_PARAMS", "jobmanager");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(Arrays.asList(params.get(0).trim().split("\\s+")));
        command.addAll(jvmOptions("jobmanager"));
        command.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        command.add("--configDir");
        command.add(confDir.toString());
        command.addAll(Arrays.asList(params.get(1).trim().split("\\s+")));
        jobManager = launch("jobmanager", command);
    }

    /**
     * What Flink's start scripts compute before starting a process: its JVM memory arguments (line
     * 1) and the derived memory sizes as dynamic properties (line 2). Without them a TaskManager
     * fails in {@code calculateTotalFlinkMemoryFromComponents}.
     */
    private List<String> bashJavaUtils(String command, String name)
            throws IOException, InterruptedException {
        Path out = workDir.resolve(name + "-resources.log");
        Process process =
                new ProcessBuilder(
                                java,
                                "-cp",
                                classpath,
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                command,
                                "--configDir",
                                confDir.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        processes.add(process);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    String.format("BashJavaUtils %s failed: %s", command, Files.readString(out)));
        }
        List<String> results =
                Files.readAllLines(out).stream()
                        .filter(line -> line.startsWith(EXEC_RESULT))
                        .map(line -> line.substring(EXEC_RESULT.length()))
                        .toList();
        if (results.size() != 2) {
            throw new IllegalStateException(
                    String.format(
                            "BashJavaUtils %s gave no JVM and dynamic parameters: %s",
                            command, Files.readString(out)));
        }
        return results;
    }

    private List<String> jvmOptions(String name) {
        List<String> options = new ArrayList<>(OPENS);
        options.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j-console.properties"));
        options.add("-Dlog.file=" + workDir.resolve(name + ".log"));
        options.add("-cp");
        options.add(classpath);
        return options;
    }

    private Process launch(String name, List<String> command) throws IOException {
        Process process =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(workDir.resolve(name + ".log").toFile())
                        .start();
        processes.add(process);
        return process;
    }

    /**
     * The test JVM's classpath cut to what a Flink distribution's {@code lib/} holds: Flink's own
     * jars and their dependencies (the {@code provided} scope of this module, as Maven wrote it),
     * the shaded libraries and log4j. Versions are the test JVM's, so both sides run the same jars.
     */
    private String flinkClasspath() throws IOException {
        Set<String> provided =
                Arrays.stream(
                                Files.readString(providedClasspathFile)
                                        .trim()
                                        .split(File.pathSeparator))
                        .map(FlinkProcessCluster::artifactId)
                        .collect(Collectors.toSet());
        List<String> jars =
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(entry -> entry.endsWith(".jar"))
                        .filter(
                                entry -> {
                                    String artifact = artifactId(entry);
                                    return (provided.contains(artifact)
                                                    || DISTRIBUTION_EXTRAS.test(artifact))
                                            && !DEMO_BROKER.test(artifact);
                                })
                        // Test jars (classifier "tests") share the artifact id but are no part
                        // of a distribution.
                        .filter(entry -> !entry.endsWith("-tests.jar"))
                        .toList();
        if (jars.stream().noneMatch(jar -> artifactId(jar).equals("flink-runtime"))) {
            throw new IllegalStateException(
                    "flink-runtime is not on the test classpath: "
                            + System.getProperty("java.class.path"));
        }
        return String.join(File.pathSeparator, jars);
    }

    /**
     * The demo's embedded broker (Moquette) and its dependencies reach the test classpath through
     * the tools module; a Flink distribution has none of them. Its plain netty on the cluster's
     * classpath would meet the MQTT client's netty in the job jar and break it.
     */
    private static final Predicate<String> DEMO_BROKER =
            artifact ->
                    artifact.equals("moquette-broker")
                            || artifact.startsWith("netty-")
                            || Set.of(
                                            "h2-mvstore",
                                            "HikariCP",
                                            "metrics-core",
                                            "metrics-jvm",
                                            "metrics-librato",
                                            "librato-java",
                                            "bugsnag")
                                    .contains(artifact);

    /** The artifact id of a jar in a Maven repository: {@code .../artifactId/version/x.jar}. */
    private static String artifactId(String jar) {
        Path path = Path.of(jar);
        return path.getNameCount() < 3 ? "" : path.getParent().getParent().getFileName().toString();
    }

    /**
     * Vigil's {@code config.yaml}, flattened to dotted keys, with what a test on one machine needs
     * laid over it: loopback addresses, free ports, small memory sizes, short heartbeats and
     * checkpoint intervals, and temporary directories. The metrics reporter goes, as its jar is no
     * part of a Flink distribution's {@code lib/}.
     */
    private void writeConfig() throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        flatten("", YAML.readTree(configFile.toFile()), config);
        config.keySet().removeIf(key -> key.startsWith("metrics.reporter."));
        restPort = FreePorts.next();
        Path checkpoints = Files.createDirectories(workDir.resolve("checkpoints"));
        Path savepoints = Files.createDirectories(workDir.resolve("savepoints"));
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.rpc.port", FreePorts.next());
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("jobmanager.memory.process.size", "768m");
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.numberOfTaskSlots", slotsPerTaskManager);
        config.put("taskmanager.memory.process.size", "1280m");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", restPort);
        config.put(
                "web.upload.dir", Files.createDirectories(workDir.resolve("uploads")).toString());
        config.put("io.tmp.dirs", tmp.toString());
        config.put("execution.checkpointing.dir", checkpoints.toUri().toString());
        config.put("execution.checkpointing.savepoint-dir", savepoints.toUri().toString());
        config.put("execution.checkpointing.interval", checkpointInterval.toMillis() + "ms");
        // A killed TaskManager is noticed after two failed heartbeat RPCs instead of 50 s.
        config.put("heartbeat.interval", "2000");
        config.put("heartbeat.timeout", "20000");
        config.putAll(overrides);
        YAML.writeValue(confDir.resolve("config.yaml").toFile(), config);
        Files.copy(log4jFile, confDir.resolve("log4j-console.properties"));
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> into) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                flatten(
                        prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
                        field.getValue(),
                        into);
            }
        } else {
            into.put(prefix, JSON.convertValue(node, Object.class));
        }
    }

    private void awaitOverview(Predicate<JsonNode> condition, String what, String log)
            throws InterruptedException {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        JsonNode overview = null;
        while (System.nanoTime() < deadline) {
            try {
                overview = get("/overview");
                if (condition.test(overview)) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // The REST endpoint is not up yet.
            } catch (RestException e) {
                if (e.status != 503) {
                    throw e;
                }
                // 503 until the JobManager has elected its leader.
            }
            if (aProcessDied()) {
                break;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                String.format(
                        "Waited in vain for %s (a process ended or %s passed; overview %s);"
                                + " %s log:%n%s%nJobManager log:%n%s",
                        what,
                        startTimeout,
                        overview,
                        log,
                        logTail(log, 40),
                        logTail("jobmanager", 40)));
    }

    /** Whether the JobManager or a TaskManager that the test did not kill has ended. */
    private boolean aProcessDied() {
        return !jobManager.isAlive()
                || taskManagers.stream().anyMatch(tm -> !tm.isAlive() && !killed.contains(tm));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return sendRepeatable(
                HttpRequest.newBuilder(URI.create(restAddress() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build());
    }

    private JsonNode post(String path, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(restAddress() + path))
                        .header("Content-Type", "application/json")
                        .timeout(timeout)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build());
    }

    /**
     * Sends a request that the REST API may take twice without harm (a read, a cancel), again when
     * no answer comes within the request's timeout, for up to the start timeout in all; then fails
     * with the JobManager's log. On a loaded machine the JobManager can stall for longer than one
     * request's timeout: a CI run once lost a test to one cancel that took over 30 s to answer.
     */
    private JsonNode sendRepeatable(HttpRequest request) throws IOException, InterruptedException {
        try {
            return sendRepeatable(http, request, startTimeout);
        } catch (HttpTimeoutException e) {
            throw new IllegalStateException(
                    String.format(
                            "%s; JobManager log:%n%s", e.getMessage(), logTail("jobmanager", 60)),
                    e);
        }
    }

    /**
     * Sends {@code request} until an answer comes within its timeout, for up to {@code patience} in
     * all; throws the last timeout, with how many attempts were made, when none did.
     */
    static JsonNode sendRepeatable(HttpClient http, HttpRequest request, Duration patience)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return send(http, request);
            } catch (HttpTimeoutException e) {
                if (System.nanoTime() >= deadline) {
                    HttpTimeoutException last =
                            new HttpTimeoutException(
                                    String.format(
                                            "%s %s: no answer within %s in %d attempts over %s",
                                            request.method(),
                                            request.uri(),
                                            request.timeout().orElse(null),
                                            attempt,
                                            patience));
                    last.initCause(e);
                    throw last;
                }
            }
        }
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        return send(http, request);
    }

    private static JsonNode send(HttpClient http, HttpRequest request)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new RestException(request, response);
        }
        String body = response.body();
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    }

    /** An answer of the REST API other than success. */
    static final class RestException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        final int status;

        RestException(HttpRequest request, HttpResponse<String> response) {
            super(
                    String.format(
                            "%s %s answered %d: %s",
                            request.method(),
                            request.uri(),
                            response.statusCode(),
                            response.body()));
            this.status = response.statusCode();
        }
    }
}
