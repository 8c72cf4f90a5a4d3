package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.job.JobConfigException;
import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.testing.Await;
import io.vigil.testing.FreePorts;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.KafkaBroker;
import io.vigil.testing.LogCapture;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run with secrets (Mosquitto with a password listener, InfluxDB with authentication, the
 * job wired as {@link SensorAnalyticsJob#main} wires it on a mini cluster), and failed connects
 * with the secret in the URL: no log line at DEBUG or above, no exception message and no job or
 * cluster configuration the REST API shows may hold a password.
 */
class SecretsNeverLeaveITCase {

    private static final String MQTT_PASSWORD = "mqtt-Pw-7f3a91";
    private static final String INFLUX_PASSWORD = "influx-Pw-c4e2b8";
    private static final String URL_SECRET = "url-Pw-5d0e66";
    private static final String KAFKA_PASSWORD = "kafka-Pw-2b7e40";
    private static final String WRONG_KAFKA_PASSWORD = "kafka-Wrong-8a13f2";
    private static final String DEFAULT_PATTERNS =
            Path.of("../cep-patterns/patterns/default.yaml").toString();

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder().withPasswordListener("vigil", MQTT_PASSWORD).build();

    @RegisterExtension
    static final KafkaBroker KAFKA =
            KafkaBroker.builder().withSaslListener("vigil", KAFKA_PASSWORD).build();

    @RegisterExtension
    static final InfluxDbExtension INFLUXDB =
            new InfluxDbExtension().withAuth("admin", INFLUX_PASSWORD);

    @TempDir Path dir;

    @Test
    void noPasswordInAnyLogLineExceptionOrRestConfiguration() throws Exception {
        List<String> exposed = new ArrayList<>();
        try (LogCapture log = LogCapture.start(Level.DEBUG);
                MiniCluster cluster = startCluster()) {
            exposed.addAll(runWithSecrets(cluster));
            exposed.addAll(failedConnects(cluster));
            log.lines().forEach(line -> exposed.add(line.logger() + ": " + line.text()));
        }

        for (String secret : List.of(MQTT_PASSWORD, INFLUX_PASSWORD)) {
            assertThat(exposed).as("where %s shows", secret).noneMatch(s -> s.contains(secret));
        }
        assertThat(exposed)
                .as("the run was seen: log lines, REST answers and exceptions")
                .anyMatch(s -> s.startsWith("io.vigil."))
                .anyMatch(s -> s.contains("\"execution-config\""))
                .anyMatch(s -> s.contains("Cannot connect"));
    }

    /**
     * The Kafka input with a SCRAM login (password from a file), then a job with a wrong password:
     * neither password shows in a log line at DEBUG or above, an exception or a REST answer.
     */
    @Test
    void noKafkaPasswordInAnyLogLineExceptionOrRestConfiguration() throws Exception {
        KAFKA.createTopic("mqtt-secrets", 1);
        List<String> exposed = new ArrayList<>();
        try (LogCapture log = LogCapture.start(Level.DEBUG);
                MiniCluster cluster = startCluster()) {
            String database = "vigil_kafka_secrets";
            JobClient job = submit(cluster, kafkaSetup(database, KAFKA_PASSWORD));
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(
                            Map.of(
                                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    KAFKA.bootstrapServers()),
                            new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                producer.send(
                                new ProducerRecord<>(
                                        "mqtt-secrets",
                                        "sensors/probe".getBytes(StandardCharsets.UTF_8),
                                        "probe".getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            Await.until(
                    () ->
                            !INFLUXDB.query(
                                            database,
                                            "SELECT count(payload) FROM dead_letters WHERE topic ="
                                                    + " 'sensors/probe'")
                                    .isEmpty(),
                    Duration.ofSeconds(90),
                    () -> "no dead letter reached InfluxDB: the job did not log in to Kafka");
            exposed.addAll(restAnswers(cluster, job.getJobID()));
            job.cancel().get();

            JobClient refused =
                    submit(cluster, kafkaSetup("vigil_kafka_refused", WRONG_KAFKA_PASSWORD));
            Await.until(
                    () ->
                            log.lines().stream()
                                    .anyMatch(l -> l.text().contains("Authentication failed")),
                    Duration.ofSeconds(90),
                    () -> "the wrong password was not refused");
            exposed.addAll(restAnswers(cluster, refused.getJobID()));
            if (!refused.getJobStatus().get().isGloballyTerminalState()) {
                refused.cancel().get();
            }
            cluster.requestJobResult(refused.getJobID())
                    .get()
                    .getSerializedThrowable()
                    .ifPresent(t -> exposed.add(ExceptionUtils.stringifyException(t)));
            log.lines().forEach(line -> exposed.add(line.logger() + ": " + line.text()));
        }

        for (String secret : List.of(KAFKA_PASSWORD, WRONG_KAFKA_PASSWORD)) {
            assertThat(exposed).as("where %s shows", secret).noneMatch(s -> s.contains(secret));
        }
        assertThat(exposed)
                .as("the run was seen: the consumer's config and the refused login")
                .anyMatch(s -> s.contains("sasl.jaas.config = [hidden]"))
                .anyMatch(s -> s.contains("Authentication failed"));
    }

    private JobSetup kafkaSetup(String database, String password) throws Exception {
        return JobSetup.fromArgs(
                new String[] {
                    "--source.type", "kafka",
                    "--kafka.bootstrap-servers", KAFKA.saslBootstrapServers(),
                    "--kafka.topics", "mqtt-secrets",
                    "--kafka.group-id", database,
                    "--kafka.starting-offsets", "earliest",
                    "--kafka.sasl.mechanism", "SCRAM-SHA-256",
                    "--kafka.sasl.username", "vigil",
                    "--kafka.sasl.password-file", passwordFile(database, password),
                    "--alerts.mqtt.enabled", "false",
                    "--influxdb.url", INFLUXDB.url(),
                    "--influxdb.username", "admin",
                    "--influxdb.password-file", passwordFile("influx", INFLUX_PASSWORD),
                    "--influxdb.database", database,
                    "--influxdb.create-database", "true",
                    "--patterns.files", DEFAULT_PATTERNS,
                    "--restart-strategy.type", "none",
                    "--execution.checkpointing.interval", "1s"
                });
    }

    /**
     * A password in a URL's user info would leave with every connect error and log line that names
     * the URL (the connectors name it): the job refuses it before anything starts.
     */
    @Test
    void aUrlWithAPasswordInItsUserInfoIsRefusedBeforeAnythingConnects() {
        for (String[] url :
                List.of(
                        new String[] {
                            "--mqtt.broker-uris", "tcp://vigil:" + URL_SECRET + "@127.0.0.1:1883"
                        },
                        new String[] {
                            "--influxdb.url", "http://admin:" + URL_SECRET + "@127.0.0.1:8086"
                        })) {
            List<String> args = new ArrayList<>(List.of("--patterns.files", DEFAULT_PATTERNS));
            args.addAll(List.of(url));

            assertThatThrownBy(() -> JobSetup.fromArgs(args.toArray(String[]::new)))
                    .isInstanceOf(JobConfigException.class)
                    .hasMessageContaining("has a URL with a password")
                    .hasMessageNotContaining(URL_SECRET);
        }
    }

    private List<String> runWithSecrets(MiniCluster cluster) throws Exception {
        String database = "vigil_secrets";
        JobSetup setup =
                JobSetup.fromArgs(
                        new String[] {
                            "--mqtt.broker-uris",
                            MOSQUITTO.passwordUri(),
                            "--mqtt.username",
                            "vigil",
                            "--mqtt.password-file",
                            passwordFile("mqtt", MQTT_PASSWORD),
                            "--mqtt.qos",
                            "1",
                            "--mqtt.client-id-prefix",
                            "vigil-secrets",
                            "--influxdb.url",
                            INFLUXDB.url(),
                            "--influxdb.username",
                            "admin",
                            "--influxdb.password-file",
                            passwordFile("influx", INFLUX_PASSWORD),
                            "--influxdb.database",
                            database,
                            "--influxdb.create-database",
                            "true",
                            "--patterns.files",
                            DEFAULT_PATTERNS,
                            "--execution.checkpointing.interval",
                            "1s"
                        });
        List<String> exposed = new ArrayList<>();
        JobClient job = submit(cluster, setup);
        try (MosquittoTestPublisher probe = MosquittoTestPublisher.connect(MOSQUITTO.uri())) {
            Await.until(
                    ReaderProbe.deadLetterArrived(probe, INFLUXDB, database, "sensors/probe"),
                    ReaderProbe.TIMEOUT,
                    () -> "no dead letter reached InfluxDB: the job did not log in");
            probe.publish("sensors/site-a/dev-1/temperature", "21.5", 1);
            exposed.addAll(restAnswers(cluster, job.getJobID()));
        } finally {
            job.cancel().get();
        }
        return exposed;
    }

    /** Jobs whose broker and database URLs carry a user and password, to closed ports. */
    private List<String> failedConnects(MiniCluster cluster) throws Exception {
        List<String> exposed = new ArrayList<>();
        int closed = FreePorts.next();
        for (String[] target :
                List.of(
                        new String[] {
                            "--mqtt.broker-uris",
                            "tcp://vigil@127.0.0.1:" + closed,
                            "--influxdb.url",
                            INFLUXDB.url(),
                            // The database must exist, or the InfluxDB sinks may fail the job
                            // before the MQTT source's connect error, which this target is for.
                            "--influxdb.create-database",
                            "true"
                        },
                        new String[] {
                            "--mqtt.broker-uris",
                            MOSQUITTO.passwordUri(),
                            "--influxdb.url",
                            "http://admin@127.0.0.1:" + closed
                        })) {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "--mqtt.username", "vigil",
                                    "--mqtt.password-file", passwordFile("mqtt", MQTT_PASSWORD),
                                    "--influxdb.username", "admin",
                                    "--influxdb.password-file",
                                            passwordFile("influx", INFLUX_PASSWORD),
                                    "--mqtt.connect-timeout", "3s",
                                    "--influxdb.database", "vigil_unreachable",
                                    "--patterns.files", DEFAULT_PATTERNS,
                                    "--restart-strategy.type", "none"));
            args.addAll(List.of(target));
            JobSetup setup = JobSetup.fromArgs(args.toArray(String[]::new));
            JobClient job = submit(cluster, setup);
            JobResult result = cluster.requestJobResult(job.getJobID()).get();
            exposed.addAll(restAnswers(cluster, job.getJobID()));
            result.getSerializedThrowable()
                    .ifPresent(t -> exposed.add(ExceptionUtils.stringifyException(t)));
            assertThat(result.isSuccess()).as("a job that cannot connect fails").isFalse();
        }
        return exposed;
    }

    private String passwordFile(String name, String password) throws Exception {
        return Files.writeString(dir.resolve(name + "-password"), password + "\n").toString();
    }

    private static JobClient submit(MiniCluster cluster, JobSetup setup) throws Exception {
        TestStreamEnvironment env =
                new TestStreamEnvironment(cluster, setup.config(), 1, List.of(), List.of());
        SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
        return env.executeAsync("secrets");
    }

    /** What the REST API tells about the job and the cluster: configs and exceptions. */
    private static List<String> restAnswers(MiniCluster cluster, JobID job) throws Exception {
        URI rest = cluster.getRestAddress().get();
        HttpClient http = HttpClient.newHttpClient();
        List<String> answers = new ArrayList<>();
        for (String path :
                List.of(
                        "/jobs/" + job + "/config",
                        "/jobs/" + job + "/jobmanager/config",
                        "/jobs/" + job + "/exceptions",
                        "/jobs/" + job,
                        "/jobmanager/config",
                        "/taskmanagers")) {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(rest.resolve(path)).build(),
                            HttpResponse.BodyHandlers.ofString());
            answers.add(path + " " + response.statusCode() + " " + response.body());
        }
        return answers;
    }

    private static MiniCluster startCluster() throws Exception {
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .withRandomPorts()
                                .build());
        cluster.start();
        return cluster;
    }
}
