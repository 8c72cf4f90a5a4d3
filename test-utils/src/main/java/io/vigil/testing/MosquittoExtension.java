package io.vigil.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
public final class MosquittoExtension extends MqttTestBroker {

    private static final String MOSQUITTO = "/usr/sbin/mosquitto";
    private static final String MOSQUITTO_PASSWD = "/usr/bin/mosquitto_passwd";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final String username;
    private final String password;
    private final boolean tls;
    private final int maxInflightMessages;

    private TestCertificates certificates;
    private int plainPort;
    private int passwordPort;
    private int tlsPort;
    private int mutualTlsPort;
    private int wrongHostTlsPort;

    /** A broker with the anonymous listener only. */
    public MosquittoExtension() {
        this(new Builder());
    }

    private MosquittoExtension(Builder builder) {
        super("Mosquitto", START_TIMEOUT, builder);
        this.username = builder.username;
        this.password = builder.password;
        this.tls = builder.tls;
        this.maxInflightMessages = builder.maxInflightMessages;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the broker. */
    public static final class Builder extends BrokerBuilder<Builder> {
        private String username;
        private String password;
        private boolean tls;
        private int maxInflightMessages = 1000;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

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

        public MosquittoExtension build() {
            return new MosquittoExtension(this);
        }
    }

    @Override
    void prepare(Path dir, int port) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        plainPort = port;
        if (username != null) {
            passwordPort = FreePorts.next();
            run(MOSQUITTO_PASSWD, "-c", "-b", dir.resolve("passwd").toString(), username, password);
        }
        if (tls) {
            certificates = TestCertificates.generate(dir.resolve("certs"));
            tlsPort = FreePorts.next();
            mutualTlsPort = FreePorts.next();
            wrongHostTlsPort = FreePorts.next();
        }
        Files.writeString(dir.resolve("mosquitto.conf"), config(dir), StandardCharsets.UTF_8);
    }

    @Override
    List<String> command(Path dir) {
        return List.of(MOSQUITTO, "-c", dir.resolve("mosquitto.conf").toString());
    }

    @Override
    int[] ports() {
        return new int[] {plainPort, passwordPort, tlsPort, mutualTlsPort, wrongHostTlsPort};
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

    private String config(Path dir) {
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

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
