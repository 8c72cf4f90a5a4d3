package io.vigil.connectors.mqtt.connection;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientReconnector;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's connection to the brokers of {@link MqttConnectionOptions}, for the source and the
 * sink alike: the first connection tries each broker URI once and fails loudly, naming the broker
 * and the cause; after a loss the client reconnects with the jittered backoff, moving on to the
 * next URI, resubscribing and resending what the broker has not acknowledged.
 *
 * <p>Its clients run on threads of their own ({@link MqttClientThreads}); {@link #close}
 * disconnects the client, cancels a pending reconnect and waits, bounded, until those threads have
 * ended.
 */
@Internal
public final class MqttConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final long CLOSE_POLL_MILLIS = 20;

    /** Connection states, also the values of the source's {@code connectionState} gauge. */
    public enum State {
        DISCONNECTED,
        CONNECTING,
        RECONNECTING,
        CONNECTED
    }

    /** What the owner of a connection does at the steps only it knows about. */
    public interface Listener {
        /** A new client, before its CONNECT: the place to open the flow of received messages. */
        default void created(MqttProtocolClient client) {}

        /** The first CONNACK arrived; a failure here (say, a refused subscription) fails it. */
        default void connected(MqttProtocolClient client) throws Exception {}

        /**
         * The connection was lost after it had been up; the client reconnects by itself.
         *
         * @param byClient the client dropped it itself: the broker broke the protocol (sent more
         *     than the receive maximum, reused a packet identifier in flight) or a keep-alive timed
         *     out
         */
        default void lost(boolean byClient) {}

        /** A reconnect after a loss was accepted, resuming the session or starting a new one. */
        default void reconnected(boolean sessionPresent) {}

        /** The client is closed, or given up after a failed attempt, and now in this state. */
        default void disposed(MqttClientState finalState) {}
    }

    private final Configuration conf;
    private final String clientId;
    private final String role;
    private final List<URI> brokerUris;
    private final boolean cleanStart;
    private final int receiveMaximum;
    private final Optional<byte[]> password;
    private final ReconnectBackoff backoff;
    private final Listener listener;
    private final MqttClientThreads threads;
    // Completed to let a scheduled reconnect go ahead: by its backoff timer, or by close(), which
    // calls the reconnect off first.
    private volatile CompletableFuture<Void> reconnectGate =
            CompletableFuture.completedFuture(null);

    private volatile State state = State.DISCONNECTED;
    private volatile boolean closing;
    private volatile boolean everConnected;
    private volatile int uriIndex;
    private MqttProtocolClient client;

    /**
     * @param role what the client is, for the log ("client", "publisher")
     * @param cleanStart start a new session on the first connection instead of resuming one
     * @param receiveMaximum MQTT 5 only: QoS 1/2 messages the broker may have unacknowledged
     */
    public MqttConnection(
            Configuration conf,
            String clientId,
            String role,
            boolean cleanStart,
            int receiveMaximum,
            Optional<byte[]> password,
            Listener listener) {
        this.conf = conf;
        this.clientId = clientId;
        this.role = role;
        this.brokerUris = MqttConnections.brokerUris(conf);
        this.cleanStart = cleanStart;
        this.receiveMaximum = receiveMaximum;
        this.password = password;
        this.backoff =
                new ReconnectBackoff(
                        conf.get(MqttConnectionOptions.RECONNECT_INITIAL_BACKOFF),
                        conf.get(MqttConnectionOptions.RECONNECT_MAX_BACKOFF),
                        () -> ThreadLocalRandom.current().nextDouble());
        this.listener = listener;
        this.threads = new MqttClientThreads(clientId);
    }

    /**
     * Connects, trying each broker URI once; fails with the broker and the cause when none accepts
     * the client, so that a bad setting fails the job instead of retrying silently.
     *
     * @return whether the broker resumed a session for this client
     */
    public boolean connect() {
        FlinkRuntimeException failure = null;
        for (int i = 0; i < brokerUris.size(); i++) {
            uriIndex = i;
            URI uri = brokerUris.get(i);
            state = State.CONNECTING;
            try {
                client =
                        MqttProtocolClient.create(
                                conf.get(MqttConnectionOptions.PROTOCOL_VERSION),
                                MqttClient.builder()
                                        .identifier(clientId)
                                        .transportConfig(MqttConnections.transport(conf, uri))
                                        .executorConfig(threads.executorConfig())
                                        .addConnectedListener(this::onConnected)
                                        .addDisconnectedListener(this::onDisconnected));
                listener.created(client);
                boolean sessionPresent =
                        client.connect(conf, password, cleanStart, receiveMaximum)
                                .get(
                                        MqttConnections.connectGuardMillis(conf),
                                        TimeUnit.MILLISECONDS);
                listener.connected(client);
                everConnected = true;
                state = State.CONNECTED;
                return sessionPresent;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                state = State.DISCONNECTED;
                dispose();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                failure = MqttConnections.connectFailure(failure, uri, clientId, cause);
            }
        }
        awaitThreads();
        throw failure;
    }

    /** The connected client; only valid after {@link #connect} returned. */
    public MqttProtocolClient client() {
        return client;
    }

    public State state() {
        return state;
    }

    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    public String clientId() {
        return clientId;
    }

    public URI currentUri() {
        return brokerUris.get(uriIndex);
    }

    private void onConnected(MqttClientConnectedContext context) {
        if (!everConnected || closing) {
            // A reconnect that won the race with close(): close() disconnects it.
            return;
        }
        state = State.CONNECTED;
        boolean sessionPresent = MqttProtocolClient.sessionPresent(context);
        listener.reconnected(sessionPresent);
        if (cleanStart || sessionPresent) {
            LOG.info("MQTT {} {} reconnected to {}", role, clientId, currentUri());
        } else {
            // The client resubscribes by itself (resubscribeIfSessionExpired), but what the
            // broker had queued for the lost session is gone.
            LOG.warn(
                    "MQTT {} {} reconnected to {} but the broker had lost its session;"
                            + " resubscribed, messages queued for the old session are lost",
                    role,
                    clientId,
                    currentUri());
        }
    }

    private void onDisconnected(MqttClientDisconnectedContext context) {
        if (closing || !everConnected) {
            // The first connection reports its failure to connect(); closing needs no retry.
            return;
        }
        int attempt = context.getReconnector().getAttempts();
        if (state == State.CONNECTED) {
            LOG.warn(
                    "MQTT {} {} lost its connection to {}: {}; reconnecting",
                    role,
                    clientId,
                    currentUri(),
                    MqttConnections.describe(context.getCause()));
            listener.lost(context.getSource() == MqttDisconnectSource.CLIENT);
        } else {
            LOG.debug(
                    "MQTT {} {} reconnect attempt {} to {} failed: {}",
                    role,
                    clientId,
                    attempt,
                    currentUri(),
                    MqttConnections.describe(context.getCause()));
        }
        state = State.RECONNECTING;
        if (brokerUris.size() > 1) {
            uriIndex = (uriIndex + 1) % brokerUris.size();
            context.getReconnector().transportConfig(MqttConnections.transport(conf, currentUri()));
        }
        // A reconnect that finds no session (MQTT 3.1.1 with a clean session always, MQTT 5 after
        // a broker lost it) sends the unacknowledged publishes again instead of failing them.
        // HiveMQ cannot cancel a reconnect it scheduled, so it waits for a gate instead: the
        // backoff timer opens it, or close() after calling the reconnect off (the callback runs on
        // the event loop, where the reconnector may be changed).
        MqttClientReconnector reconnector = context.getReconnector();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        reconnectGate = gate;
        threads.timers()
                .schedule(
                        () -> gate.complete(null),
                        backoff.delayMillis(attempt),
                        TimeUnit.MILLISECONDS);
        reconnector
                .reconnect(true)
                .republishIfSessionExpired(true)
                .reconnectWhen(
                        gate,
                        (ignored, error) -> {
                            if (closing) {
                                reconnector.reconnect(false);
                            }
                        });
        if (closing) {
            gate.complete(null);
        }
    }

    /**
     * Disconnects the client and waits, bounded by the connect guard ({@code
     * mqtt.connect-timeout}), until it is {@link MqttClientState#DISCONNECTED}: a client still
     * connecting, or reconnecting after a loss, is disconnected once it is connected or given up by
     * its own timeouts. An interrupt does not cut the wait short (the task that closes may be being
     * cancelled); it is kept for the caller.
     */
    private void dispose() {
        MqttProtocolClient disposed = client;
        client = null;
        if (disposed == null) {
            return;
        }
        long deadline =
                System.nanoTime()
                        + TimeUnit.MILLISECONDS.toNanos(MqttConnections.connectGuardMillis(conf));
        boolean interrupted = false;
        while (disposed.state() != MqttClientState.DISCONNECTED && System.nanoTime() < deadline) {
            try {
                if (disposed.state() == MqttClientState.CONNECTED) {
                    long left = Math.max(1, deadline - System.nanoTime());
                    disposed.disconnect().get(left, TimeUnit.NANOSECONDS);
                } else {
                    // Lets a scheduled reconnect find that it is called off.
                    reconnectGate.complete(null);
                    Thread.sleep(CLOSE_POLL_MILLIS);
                }
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("MQTT {} {} did not disconnect cleanly", role, clientId, e);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        MqttClientState finalState = disposed.state();
        if (finalState != MqttClientState.DISCONNECTED) {
            LOG.warn(
                    "MQTT {} {} is still {} {} ms after closing began; its threads may outlive it",
                    role,
                    clientId,
                    finalState,
                    MqttConnections.connectGuardMillis(conf));
        }
        listener.disposed(finalState);
    }

    /** Waits for the threads of this connection's clients to end, and says so if they do not. */
    private void awaitThreads() {
        if (!threads.shutDownAndAwait(CLOSE_TIMEOUT)) {
            LOG.warn(
                    "MQTT {} {}: threads {}-* still run {} after closing",
                    role,
                    clientId,
                    threads,
                    CLOSE_TIMEOUT);
        }
    }

    /**
     * Disconnects, calls off a pending reconnect and waits, bounded, until the client and its
     * threads are gone. Nothing still unacknowledged is acknowledged: a persistent session keeps it
     * at the broker for the next client with this id.
     */
    @Override
    public void close() {
        closing = true;
        reconnectGate.complete(null);
        dispose();
        awaitThreads();
        state = State.DISCONNECTED;
        LOG.info("MQTT {} {} closed", role, clientId);
    }
}
