package io.vigil.connectors.mqtt.connection;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 */
@Internal
public final class MqttConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

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
        if (!everConnected) {
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
        context.getReconnector()
                .reconnect(true)
                .republishIfSessionExpired(true)
                .delay(backoff.delayMillis(attempt), TimeUnit.MILLISECONDS);
    }

    private void dispose() {
        MqttProtocolClient disposed = client;
        client = null;
        if (disposed == null) {
            return;
        }
        try {
            if (disposed.state().isConnectedOrReconnect()) {
                disposed.disconnect().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("MQTT {} {} did not disconnect cleanly", role, clientId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.disposed(disposed.state());
    }

    /**
     * Disconnects. Nothing still unacknowledged is acknowledged: a persistent session keeps it at
     * the broker for the next client with this id.
     */
    @Override
    public void close() {
        closing = true;
        dispose();
        state = State.DISCONNECTED;
        LOG.info("MQTT {} {} closed", role, clientId);
    }
}
