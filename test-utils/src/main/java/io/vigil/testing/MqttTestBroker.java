package io.vigil.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real MQTT broker for a test class, run as a child process in a temporary directory with an
 * anonymous listener on a free loopback port: {@link MosquittoExtension} or {@link
 * HiveMqExtension}. A test written against this type runs against either; {@link #stop()} and
 * {@link #start()} restart the broker on the same ports with the same persistence.
 */
public abstract class MqttTestBroker implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private final Duration startTimeout;

    /** The bound of a persistent session's queue; beyond it the broker drops new messages. */
    final int maxQueuedMessages;

    /** Whether sessions are kept on disk, so that they outlive a restart of the broker. */
    final boolean persistence;

    private String startedIn;
    private Path dir;
    private int port;
    private ServerProcess server;
    private MosquittoTestPublisher publisher;

    MqttTestBroker(String name, Duration startTimeout, BrokerBuilder<?> builder) {
        this.name = name;
        this.startTimeout = startTimeout;
        this.maxQueuedMessages = builder.maxQueuedMessages;
        this.persistence = builder.persistence;
    }

    /** The settings every broker takes; {@code B} is the builder of the broker. */
    public abstract static class BrokerBuilder<B extends BrokerBuilder<B>> {
        private int maxQueuedMessages = 100_000;
        private boolean persistence = true;

        BrokerBuilder() {}

        /**
         * The bound of a persistent session's queue (Mosquitto's {@code max_queued_messages},
         * HiveMQ's {@code queued-messages/max-queue-size}, default 1000 there); beyond it new
         * messages are discarded.
         */
        public B withMaxQueuedMessages(int maxQueuedMessages) {
            this.maxQueuedMessages = maxQueuedMessages;
            return self();
        }

        /** In-memory sessions: a restart of the broker loses every session. */
        public B withoutPersistence() {
            this.persistence = false;
            return self();
        }

        abstract B self();
    }

    /**
     * Prepares the broker's files in {@code dir} (its configuration with the anonymous listener on
     * {@code port}) and takes any further ports it needs.
     */
    abstract void prepare(Path dir, int port) throws Exception;

    /** The command that runs the broker prepared in {@code dir}. */
    abstract List<String> command(Path dir) throws IOException;

    /** Every port the broker listens on, each checked before {@link #start()} returns. */
    abstract int[] ports();

    /**
     * Starts the broker for the class that registers it. JUnit calls this again for each of its
     * {@code @Nested} classes, which share that broker.
     */
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (startedIn != null) {
            return;
        }
        startedIn = context.getUniqueId();
        dir = Files.createTempDirectory(name.toLowerCase(Locale.ROOT) + "-");
        server = new ServerProcess(name, dir.resolve("broker.log"));
        port = FreePorts.next();
        prepare(dir, port);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (!context.getUniqueId().equals(startedIn)) {
            return;
        }
        startedIn = null;
        try {
            closePublisher();
            if (server != null) {
                stop();
            }
        } finally {
            ServerProcess.deleteRecursively(dir);
        }
    }

    /** The broker's name, e.g. {@code Mosquitto}. */
    public String name() {
        return name;
    }

    /** The anonymous listener, {@code tcp://127.0.0.1:port}. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker (again) and waits until every listener accepts connections. */
    public void start() throws IOException, InterruptedException {
        server.start(command(dir), startTimeout, ports());
    }

    /** Stops the broker with SIGTERM, so that it writes what it persists. */
    public void stop() throws InterruptedException {
        server.stop(Duration.ofSeconds(30));
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The broker's own log (its console output over every start), for failure messages. */
    public String log() {
        return server.log();
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

    @Override
    public String toString() {
        return name;
    }
}
