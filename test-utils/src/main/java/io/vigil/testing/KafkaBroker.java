package io.vigil.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka 4 broker in KRaft mode (one node, broker and controller) for a test class, run as a
 * separate JVM from the {@code kafka_2.13} jars: a generated {@code server.properties} with
 * loopback listeners on free ports and a temporary log directory, formatted with Kafka's storage
 * tool first. On request a SASL listener takes PLAIN and SCRAM-SHA-256 logins of one user.
 *
 * <p>The broker's classpath is written into this module at build time; {@link #createTopic} uses
 * the {@code kafka-clients} of the module under test.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker KAFKA = KafkaBroker.builder().build();
 * ...
 * KAFKA.createTopic("mqtt-sensors", 4);
 * String bootstrap = KAFKA.bootstrapServers();
 * }</pre>
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private static final String CLASSPATH_RESOURCE = "kafka-broker.classpath";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final String saslUser;
    private final String saslPassword;

    private Path dir;
    private int plainPort;
    private int saslPort;
    private int controllerPort;
    private ServerProcess server;

    private KafkaBroker(Builder builder) {
        this.saslUser = builder.saslUser;
        this.saslPassword = builder.saslPassword;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the broker. */
    public static final class Builder {
        private String saslUser;
        private String saslPassword;

        private Builder() {}

        /**
         * Adds a SASL_PLAINTEXT listener that accepts this user with this password over PLAIN and
         * SCRAM-SHA-256.
         */
        public Builder withSaslListener(String user, String password) {
            this.saslUser = user;
            this.saslPassword = password;
            return this;
        }

        public KafkaBroker build() {
            return new KafkaBroker(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("kafka-");
        server = new ServerProcess("Kafka", dir.resolve("kafka.out"));
        plainPort = FreePorts.next();
        controllerPort = FreePorts.next();
        saslPort = saslUser == null ? 0 : FreePorts.next();
        Files.writeString(dir.resolve("server.properties"), config(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("log4j2.properties"), LOG_CONFIG, StandardCharsets.UTF_8);
        format();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (server != null) {
                stop();
            }
        } finally {
            ServerProcess.deleteRecursively(dir);
        }
    }

    /** Starts the broker (again) and waits until its client listeners accept connections. */
    public void start() throws IOException, InterruptedException {
        server.start(
                java("kafka.Kafka", dir.resolve("server.properties").toString()),
                START_TIMEOUT,
                plainPort,
                saslPort);
    }

    /** Stops the broker with SIGTERM (a controlled shutdown). */
    public void stop() throws InterruptedException {
        server.stop(Duration.ofSeconds(30));
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The PLAINTEXT listener, {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + plainPort;
    }

    /** The SASL_PLAINTEXT listener of {@link Builder#withSaslListener}. */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException(
                    "This broker has no SASL listener; build it with withSaslListener()");
        }
        return "127.0.0.1:" + saslPort;
    }

    /** Creates a topic (replication factor 1) and waits until the broker has created it. */
    public void createTopic(String name, int partitions) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
    }

    /** The broker's console and log output, for failure messages. */
    public String log() {
        return server.log();
    }

    private void format() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add("kafka.tools.StorageTool");
        args.add("format");
        args.add("--cluster-id");
        args.add(clusterId());
        args.add("--config");
        args.add(dir.resolve("server.properties").toString());
        if (saslUser != null) {
            args.add("--add-scram");
            args.add(String.format("SCRAM-SHA-256=[name=%s,password=%s]", saslUser, saslPassword));
        }
        Process format =
                new ProcessBuilder(java(args.toArray(String[]::new)))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(format.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IOException("Kafka's storage format failed: " + output);
        }
    }

    /**
     * A cluster id as Kafka makes them: a random UUID, 22 characters of URL-safe base64, drawn
     * again when it starts with '-' (the storage tool would take it for an option and fail, about
     * one start in 64).
     */
    private static String clusterId() {
        String id;
        do {
            id = encode(UUID.randomUUID());
        } while (id.startsWith("-"));
        return id;
    }

    private static String encode(UUID uuid) {
        byte[] bytes = new byte[16];
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (msb >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private List<String> java(String... mainAndArgs) throws IOException {
        return ServerProcess.java(
                List.of(
                        "-Xms64m",
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"),
                        "-Dkafka.logs.dir=" + dir.resolve("logs")),
                ServerProcess.classpathResource(KafkaBroker.class, CLASSPATH_RESOURCE),
                mainAndArgs);
    }

    private String config() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        StringBuilder listeners =
                new StringBuilder("PLAINTEXT://127.0.0.1:")
                        .append(plainPort)
                        .append(",CONTROLLER://127.0.0.1:")
                        .append(controllerPort);
        StringBuilder advertised = new StringBuilder("PLAINTEXT://127.0.0.1:").append(plainPort);
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (saslPort != 0) {
            listeners.append(",SASL_PLAINTEXT://127.0.0.1:").append(saslPort);
            advertised.append(",SASL_PLAINTEXT://127.0.0.1:").append(saslPort);
            protocols += ",SASL_PLAINTEXT:SASL_PLAINTEXT";
            p.setProperty("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
            p.setProperty(
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    String.format(
                            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                    + " user_%s=\"%s\";",
                            saslUser, saslPassword));
            p.setProperty(
                    "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        p.setProperty("listeners", listeners.toString());
        p.setProperty("advertised.listeners", advertised.toString());
        p.setProperty("listener.security.protocol.map", protocols);
        p.setProperty("log.dirs", dir.resolve("data").toString());
        // One node: every internal topic with one replica, and no waiting for more members.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        StringBuilder text = new StringBuilder();
        p.stringPropertyNames().stream()
                .sorted()
                .forEach(k -> text.append(k).append('=').append(p.getProperty(k)).append('\n'));
        return text.toString();
    }

    /** Warnings and errors of the broker to its console, which {@link #log()} reads. */
    private static final String LOG_CONFIG =
            String.join(
                    "\n",
                    "rootLogger.level = WARN",
                    "rootLogger.appenderRef.console.ref = console",
                    "appender.console.type = Console",
                    "appender.console.name = console",
                    "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d %p %c: %m%n",
                    "");
}
