package io.vigil.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The job as {@code ./vigil run} runs it (a separate JVM: RocksDB, incremental checkpoints, every
 * other setting at its shipped default), with a config naming only its input (an MQTT broker or a
 * Kafka topic), InfluxDB, the patterns and a free REST port; read back through Flink's REST API
 * (the source's metrics) and its log.
 */
final class VigilProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int restPort;
    private final Input input;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> vertexPaths = new HashMap<>();
    private String sourcePath;
    private String jobPath;
    private String receivedMetric;
    private String reconnectsMetric;

    private VigilProcess(Process process, Path log, int restPort, Input input) {
        this.process = process;
        this.log = log;
        this.restPort = restPort;
        this.input = input;
    }

    /**
     * What the job reads: its lines of the config file, the name of its source vertex, and the
     * ending of the source metric that counts what it received.
     */
    record Input(List<String> config, String vertex, String receivedMetric) {

        /** QoS 1 from the broker at {@code brokerUri}, client ids {@code vigil-bench-*}. */
        static Input mqtt(String brokerUri) {
            return new Input(
                    List.of(
                            "mqtt.broker-uris: [" + brokerUri + "]",
                            "mqtt.qos: 1",
                            "mqtt.client-id-prefix: vigil-bench"),
                    "MQTT sensors",
                    "mqtt.messagesReceived");
        }

        /**
         * {@code source.type: kafka} on {@code topic} from its earliest offset, alerts not on MQTT;
         * counted by the source operator's {@code numRecordsIn}.
         */
        static Input kafka(String bootstrapServers, String topic) {
            return new Input(
                    List.of(
                            "source.type: kafka",
                            "kafka.bootstrap-servers: " + bootstrapServers,
                            "kafka.topics: [" + topic + "]",
                            "kafka.starting-offsets: earliest",
                            "alerts.mqtt.enabled: false"),
                    "Kafka sensors",
                    "Kafka_sensors.numRecordsIn");
        }
    }

    /** Starts {@code ./vigil run} on the MQTT broker at {@code brokerUri}. */
    static VigilProcess start(Path dir, String brokerUri, String influxUrl, Path patterns)
            throws IOException {
        return start(dir, Input.mqtt(brokerUri), influxUrl, patterns);
    }

    /** Starts {@code ./vigil run} from the repository root in {@code dir}. */
    static VigilProcess start(Path dir, Input input, String influxUrl, Path patterns)
            throws IOException {
        return start(dir, input, influxUrl, patterns, List.of());
    }

    /**
     * Starts {@code ./vigil run} from the repository root in {@code dir}, with {@code extra} lines
     * ({@code key: value}) at the end of its config file.
     */
    static VigilProcess start(
            Path dir, Input input, String influxUrl, Path patterns, List<String> extra)
            throws IOException {
        int restPort = FreePorts.next();
        Path config = dir.resolve("vigil.yaml");
        List<String> lines = new ArrayList<>();
        lines.add("job.name: vigil-bench");
        lines.add("patterns.files: [" + patterns.toAbsolutePath() + "]");
        lines.addAll(input.config());
        lines.add("influxdb.url: " + influxUrl);
        lines.add("influxdb.database: vigil");
        lines.add("influxdb.create-database: true");
        lines.add("rest.port: " + restPort);
        // The REST API serves metrics fetched at this interval (Flink's default is 10 s): the
        // intake is timed by when the count last changed, so a coarse fetch would add up to 10 s.
        lines.add("metrics.fetcher.update-interval: 200");
        lines.addAll(extra);
        lines.add("");
        Files.writeString(config, String.join("\n", lines), StandardCharsets.UTF_8);
        Path log = dir.resolve("vigil-run.log");
        ProcessBuilder builder =
                new ProcessBuilder(
                                "./vigil",
                                "run",
                                "--state-dir",
                                dir.resolve("state").toString(),
                                "--config",
                                config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("VIGIL_NO_BUILD", "1");
        return new VigilProcess(builder.start(), log, restPort, input);
    }

    Path log() {
        return log;
    }

    /** Waits until the job runs and its source reports metrics. */
    void awaitRunning(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("./vigil run ended:\n" + Files.readString(log));
            }
            try {
                if (findSource()) {
                    return;
                }
            } catch (IOException e) {
                // REST not up yet.
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(
                "The job did not start in " + timeout + ":\n" + Files.readString(log));
    }

    private boolean findSource() throws Exception {
        JsonNode jobs = get("/jobs");
        for (JsonNode job : jobs.path("jobs")) {
            if (!"RUNNING".equals(job.path("status").asText())) {
                continue;
            }
            String jobId = job.path("id").asText();
            for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
                if (!vertex.path("name").asText().contains(input.vertex())
                        || !"RUNNING".equals(vertex.path("status").asText())) {
                    continue;
                }
                String path = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
                for (JsonNode metric : get(path + "/subtasks/metrics")) {
                    String id = metric.path("id").asText();
                    if (id.endsWith(input.receivedMetric())) {
                        receivedMetric = id;
                    } else if (id.endsWith("mqtt.reconnects")) {
                        reconnectsMetric = id;
                    }
                }
                if (receivedMetric != null) {
                    sourcePath = path;
                    jobPath = "/jobs/" + jobId;
                    return true;
                }
            }
        }
        return false;
    }

    /** Messages (records) the job's source readers have received, summed over the readers. */
    long received() throws Exception {
        return sum(receivedMetric);
    }

    /** Reconnects of the job's MQTT readers, summed. */
    long reconnects() throws Exception {
        return reconnectsMetric == null ? 0 : sum(reconnectsMetric);
    }

    /**
     * The largest value over the source vertex's subtasks of the metric {@code name} (e.g. {@code
     * Event_time_and_watermarks.fleetTimeLag}), or -1 while there is none.
     */
    long sourceMax(String name) throws Exception {
        return sourceAggregate(name, "max", -1);
    }

    private long sum(String metric) throws Exception {
        return sourceAggregate(metric, "sum", 0);
    }

    /** The aggregate {@code agg} (sum, max) of a metric over the source's subtasks. */
    private long sourceAggregate(String metric, String agg, long none) throws Exception {
        JsonNode values =
                get(
                        sourcePath
                                + "/subtasks/metrics?get="
                                + URLEncoder.encode(metric, StandardCharsets.UTF_8)
                                + "&agg="
                                + agg);
        for (JsonNode value : values) {
            return (long) value.path(agg).asDouble();
        }
        return none;
    }

    /**
     * The lowest input watermark over the subtasks of the job's vertex whose name begins with
     * {@code vertex} (after {@link #awaitRunning}), or {@link Long#MIN_VALUE} while there is none.
     */
    long inputWatermark(String vertex) throws Exception {
        String path = vertexPaths.get(vertex);
        if (path == null) {
            for (JsonNode v : get(jobPath).path("vertices")) {
                if (v.path("name").asText().startsWith(vertex)) {
                    path = jobPath + "/vertices/" + v.path("id").asText();
                }
            }
            if (path == null) {
                return Long.MIN_VALUE;
            }
            vertexPaths.put(vertex, path);
        }
        long lowest = Long.MAX_VALUE;
        for (JsonNode subtask : get(path + "/watermarks")) {
            lowest = Math.min(lowest, (long) subtask.path("value").asDouble());
        }
        return lowest == Long.MAX_VALUE ? Long.MIN_VALUE : lowest;
    }

    /**
     * Triggers a full (not incremental) checkpoint of the running job and returns its state size in
     * bytes, as Flink's checkpoint statistics give it.
     */
    long fullCheckpointBytes() throws Exception {
        String trigger =
                post(jobPath + "/checkpoints", "{\"checkpointType\":\"FULL\"}")
                        .path("request-id")
                        .asText();
        JsonNode done = await(jobPath + "/checkpoints/" + trigger);
        long id = done.path("operation").path("checkpointId").asLong(-1);
        if (id < 0) {
            throw new IOException("full checkpoint failed: " + done);
        }
        return get(jobPath + "/checkpoints/details/" + id).path("state_size").asLong();
    }

    /**
     * Takes a savepoint of the running job in Flink's canonical format under {@code dir} and
     * returns the size of its files in bytes: each live state entry once, as its serializer writes
     * it.
     */
    long canonicalSavepointBytes(Path dir) throws Exception {
        String body =
                JSON.writeValueAsString(
                        Map.of(
                                "target-directory",
                                dir.toUri().toString(),
                                "cancel-job",
                                false,
                                "formatType",
                                "CANONICAL"));
        String trigger = post(jobPath + "/savepoints", body).path("request-id").asText();
        JsonNode done = await(jobPath + "/savepoints/" + trigger);
        String location = done.path("operation").path("location").asText("");
        if (location.isEmpty()) {
            throw new IOException("savepoint failed: " + done);
        }
        return CoreRun.savepointBytes(location);
    }

    /** Polls an asynchronous operation of Flink's REST API until it is no longer in progress. */
    private JsonNode await(String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            JsonNode status = get(path);
            if (!"IN_PROGRESS".equals(status.path("status").path("id").asText())) {
                return status;
            }
            Thread.sleep(200);
        }
        throw new IOException(path + " still in progress after 5 minutes");
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Lines of the job's log that match {@code regex}. */
    long count(String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        return lines.stream().filter(line -> pattern.matcher(line).find()).count();
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() throws InterruptedException {
        // SIGTERM: the JVM's shutdown hooks stop the mini cluster.
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
