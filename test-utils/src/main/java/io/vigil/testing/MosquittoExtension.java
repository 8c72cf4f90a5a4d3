package io.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real Mosquitto broker (/usr/sbin/mosquitto) for a test class: a config written into a
 * temporary directory, persistence on (unless turned off), large session queues, an anonymous
 * listener on a free loopback port and, on request, a password listener, a TLS listener and a
 * mutual-TLS listener. {@link #stop()} and {@link #start()} restart it on the same ports with the
 * same persistence.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MosquittoExtension BROKER =
 *         MosquittoExtension.builder().withPasswordListener("vigil", "s3cret").withTls().build();
 * }</pre>
 */
public final class MosquittoExtension implements BeforeAllCallback, AfterAllCallback {

    private static final String MOSQUITTO = "/usr/sbin/mosquitto";
    private static final String MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd";
    private static final long START_TIMEOUT_MS = 15_000;

    private final String username;
    private final String password;
    private final boolean tls;
    private final int maxInflightMessages;
    private final int maxQueuedMessages;
    private final boolean persistence;

    private Path dir;
    private TestCertificates certificates;
    private int plainPort;
    private int passwordPort;
    private int tlsPort;
    private int mutualTlsPort;
    private int wrongHostTlsPort;
    private Process process;
    private MosquittoTestPublisher publisher;

    /** A broker with the anonymous listener only. */
    public MosquittoExtension() {
        this(new Builder());
    }

    private MosquittoExtension(Builder builder) {
        this.username = builder.username;
        this.password = builder.password;
        this.tls = builder.tls;
        this.maxInflightMessages = builder.maxInflightMessages;
        this.maxQueuedMessages = builder.maxQueuedMessages;
        this.persistence = builder.persistence;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the broker. */
    public static final class Builder {
        private String username;
        private String password;
        private boolean tls;
        private int maxInflightMessages = 1000;
        private int maxQueuedMessages = 100_000;
        private boolean persistence = true;

        private Builder() {}

        /** Adds a listener that accepts only this user with this password. */
        public Builder withPasswordListener(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        /**
         * Adds a TLS listener, a mutual-TLS listener and a TLS listener with a certificate for
         * another host name, with certificates made for the test.
         */
        public Builder withTls() {
            this.tls = true;
            return this;
        }

        /**
         * Mosquitto's max_inflight_messages (its default 20 is far too low for ack-on-checkpoint).
         */
        public Builder withMaxInflightMessages(int maxInflightMessages) {
            this.maxInflightMessages = maxInflightMessages;
            return this;
        }

        /**
         * Leaves max_inflight_messages out of the config, so the broker runs with its own default
         * (20 in Mosquitto 2.0) as a deployment that never touched it would.
         */
        public Builder withDefaultMaxInflightMessages() {
            this.maxInflightMessages = -1;
            return this;
        }

        /** Mosquitto's max_queued_messages: the bound of a persistent session's queue. */
        public Builder withMaxQueuedMessages(int maxQueuedMessages) {
            this.maxQueuedMessages = maxQueuedMessages;
            return this;
        }

        /** Without persistence a restart of the broker loses every session. */
        public Builder withoutPersistence() {
            this.persistence = false;
            return this;
        }

        public MosquittoExtension build() {
            return new MosquittoExtension(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("mosquitto-");
        Files.createDirectories(dir.resolve("data"));
        plainPort = freePort();
        if (username != null) {
            passwordPort = freePort();
            run(MOSQUITTO_PASSWD, "-c", "-b", dir.resolve("passwd").toString(), username, password);
        }
        if (tls) {
            certificates = TestCertificates.generate(dir.resolve("certs"));
            tlsPort = freePort();
            mutualTlsPort = freePort();
            wrongHostTlsPort = freePort();
        }
        Files.writeString(dir.resolve("mosquitto.conf"), config(), StandardCharsets.UTF_8);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            closePublisher();
            stop();
        } finally {
            deleteRecursively(dir);
        }
    }

    /**
     * One publisher on the anonymous listener for the test class: connected on first use, closed in
     * {@code afterAll}. It does not reconnect after {@link #stop()}; a test that restarts the
     * broker connects its own.
     */
    public synchronized MosquittoTestPublisher publisher() {
        if (publisher == null) {
            publisher = MosquittoTestPublisher.connect(uri());
        }
        return publisher;
    }

    private synchronized void closePublisher() {
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
    }

    /** Starts the broker (again) and waits until every listener accepts connections. */
    public synchronized void start() throws IOException, InterruptedException {
        if (isRunning()) {
            return;
        }
        process =
                new ProcessBuilder(MOSQUITTO, "-c", dir.resolve("mosquitto.conf").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        dir.resolve("mosquitto.log").toFile()))
                        .start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        for (int port :
                new int[] {plainPort, passwordPort, tlsPort, mutualTlsPort, wrongHostTlsPort}) {
            while (port != 0 && !accepts(port)) {
                if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                    process.destroyForcibly();
                    throw new IOException(
                            "Mosquitto did not start on port " + port + ":\n" + log());
                }
                Thread.sleep(20);
            }
        }
    }

    /** Stops the broker with SIGTERM, so that it writes its persistence file. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The anonymous listener, {@code tcp://127.0.0.1:port}. */
    public String uri() {
        return "tcp://127.0.0.1:" + plainPort;
    }

    /** The listener that needs the user and password of {@link Builder#withPasswordListener}. */
    public String passwordUri() {
        requireListener(passwordPort, "withPasswordListener");
        return "tcp://127.0.0.1:" + passwordPort;
    }

    /** The TLS listener (server certificate only). */
    public String tlsUri() {
        requireListener(tlsPort, "withTls");
        return "ssl://127.0.0.1:" + tlsPort;
    }

    /** The TLS listener that requires a client certificate signed by the test CA. */
    public String mutualTlsUri() {
        requireListener(mutualTlsPort, "withTls");
        return "ssl://127.0.0.1:" + mutualTlsPort;
    }

    /** A TLS listener whose certificate (from the test CA) names only {@code wrong.example}. */
    public String wrongHostTlsUri() {
        requireListener(wrongHostTlsPort, "withTls");
        return "ssl://127.0.0.1:" + wrongHostTlsPort;
    }

    public TestCertificates certificates() {
        requireListener(tlsPort, "withTls");
        return certificates;
    }

    /** The broker's own log, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("mosquitto.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String config() {
        StringBuilder conf = new StringBuilder();
        conf.append("per_listener_settings true\n")
                .append("user root\n")
                .append("persistence ")
                .append(persistence)
                .append('\n')
                .append("persistence_location ")
                .append(dir.resolve("data"))
                .append("/\n")
                .append("autosave_interval 1\n")
                .append("max_queued_messages ")
                .append(maxQueuedMessages)
                .append('\n')
                .append("queue_qos0_messages true\n");
        if (maxInflightMessages >= 0) {
            conf.append("max_inflight_messages ").append(maxInflightMessages).append('\n');
        }
        conf.append("log_dest stderr\n")
                .append("log_type error\nlog_type warning\nlog_type notice\n")
                .append("connection_messages true\n");
        conf.append("\nlistener ").append(plainPort).append(" 127.0.0.1\n");
        conf.append("allow_anonymous true\n");
        if (passwordPort != 0) {
            conf.append("\nlistener ").append(passwordPort).append(" 127.0.0.1\n");
            conf.append("allow_anonymous false\n");
            conf.append("password_file ").append(dir.resolve("passwd")).append('\n');
        }
        if (tlsPort != 0) {
            appendTlsListener(
                    conf, tlsPort, false, certificates.serverCert(), certificates.serverKey());
            appendTlsListener(
                    conf, mutualTlsPort, true, certificates.serverCert(), certificates.serverKey());
            appendTlsListener(
                    conf,
                    wrongHostTlsPort,
                    false,
                    certificates.wrongHostCert(),
                    certificates.wrongHostKey());
        }
        return conf.toString();
    }

    private void appendTlsListener(
            StringBuilder conf, int port, boolean requireCertificate, Path cert, Path key) {
        conf.append("\nlistener ").append(port).append(" 127.0.0.1\n");
        conf.append("allow_anonymous true\n");
        conf.append("cafile ").append(certificates.caCert()).append('\n');
        conf.append("certfile ").append(cert).append('\n');
        conf.append("keyfile ").append(key).append('\n');
        conf.append("require_certificate ").append(requireCertificate).append('\n');
    }

    private static void requireListener(int port, String builderMethod) {
        if (port == 0) {
            throw new IllegalStateException(
                    "This broker has no such listener; build it with " + builderMethod + "()");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
