package io.vigil.connectors.mqtt.source.reader;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.reactivex.FlowableSubscriber;
import io.vigil.connectors.mqtt.connection.MqttConnection;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttDelivery;
import io.vigil.connectors.mqtt.connection.MqttProtocolClient;
import io.vigil.connectors.mqtt.source.MqttMessage;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT client with a persistent session for one {@link MqttSubscriptionSplit}: connects (first
 * connection fails loudly), subscribes, reconnects with backoff, and hands messages to the reader
 * only as far as the reader asked for them (reactive-streams demand), so nothing queues up without
 * bound on this side.
 */
@Internal
final class MqttSessionClient implements AutoCloseable, MqttConnection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSessionClient.class);

    private final String clientId;
    private final List<String> subscriptionFilters;
    private final MqttQos qos;
    private final Consumer<ReceivedMessage> handOver;
    private final Consumer<Throwable> failureHandler;
    private final Consumer<Boolean> onLost;
    private final Runnable onSharedResubscribe;
    private final MqttConnection connection;
    private final boolean shared;
    private final long subAckTimeoutMillis;
    // QoS 1/2 messages handed over and not yet acknowledged, by the reader or by a release.
    private final Set<ReceivedMessage> outstanding = ConcurrentHashMap.newKeySet();

    private volatile boolean closing;
    private volatile boolean everConnected;
    private volatile int sessionGeneration;
    private volatile MqttProtocolClient protocolClient;
    private Subscription subscription;
    private long unsentDemand;

    MqttSessionClient(
            Configuration conf,
            String clientId,
            List<String> subscriptionFilters,
            Optional<byte[]> password,
            Consumer<ReceivedMessage> handOver,
            Consumer<Throwable> failureHandler,
            Consumer<Boolean> onLost,
            Runnable onSharedResubscribe) {
        this.clientId = clientId;
        this.subscriptionFilters = subscriptionFilters;
        this.qos = MqttQos.fromCode(conf.get(MqttSourceOptions.QOS));
        this.handOver = handOver;
        this.failureHandler = failureHandler;
        this.onLost = onLost;
        this.onSharedResubscribe = onSharedResubscribe;
        this.shared = subscriptionFilters.stream().anyMatch(f -> f.startsWith("$share/"));
        this.subAckTimeoutMillis = MqttConnections.connectGuardMillis(conf);
        this.connection =
                new MqttConnection(
                        conf,
                        clientId,
                        "client",
                        false,
                        conf.get(MqttSourceOptions.RECEIVE_MAXIMUM),
                        password,
                        this);
    }

    String clientId() {
        return clientId;
    }

    MqttConnection.State state() {
        return connection.state();
    }

    /**
     * Connects and subscribes, trying each broker URI once; fails with the broker and the cause
     * when none accepts the client, so that a bad setting fails the job instead of retrying
     * silently.
     */
    void connect() {
        boolean sessionPresent = connection.connect();
        everConnected = true;
        LOG.info(
                "MQTT client {} connected to {} (session present: {}), subscribed to {} at QoS {}",
                clientId,
                connection.currentUri(),
                sessionPresent,
                subscriptionFilters,
                qos.getCode());
    }

    /**
     * Lets the client hand over {@code n} more messages; demand asked for before the flow exists
     * goes to it when it does.
     */
    synchronized void request(long n) {
        if (subscription != null) {
            subscription.request(n);
        } else {
            unsentDemand += n;
        }
    }

    private synchronized void flowOpened(Subscription s) {
        subscription = s;
        if (unsentDemand > 0) {
            s.request(unsentDemand);
            unsentDemand = 0;
        }
    }

    private synchronized Subscription takeSubscription() {
        Subscription s = subscription;
        subscription = null;
        return s;
    }

    /**
     * The flow must exist before CONNECT: the broker resends unacknowledged messages of a resumed
     * session right after CONNACK, and a message without a flow is acknowledged by the client at
     * once.
     */
    @Override
    public void created(MqttProtocolClient client) {
        protocolClient = client;
        client.publishes(this::received)
                .subscribe(
                        new FlowableSubscriber<ReceivedMessage>() {
                            @Override
                            public void onSubscribe(Subscription s) {
                                flowOpened(s);
                            }

                            @Override
                            public void onNext(ReceivedMessage message) {
                                handOver.accept(message);
                            }

                            @Override
                            public void onError(Throwable t) {
                                if (!closing && everConnected) {
                                    failureHandler.accept(
                                            new FlinkRuntimeException(
                                                    String.format(
                                                            "MQTT client %s stopped delivering"
                                                                    + " messages",
                                                            clientId),
                                                    t));
                                }
                            }

                            @Override
                            public void onComplete() {}
                        });
    }

    /**
     * Subscribes on every start, not only when the session is new, so that a changed filter list
     * takes effect; MQTT 5 then does not resend retained messages for a subscription that exists.
     * Fails, so that the task fails and Flink restarts it, when the broker refuses a filter or no
     * SUBACK comes within the connect guard: HiveMQ keeps a subscription of a persistent session
     * pending through a lost connection, and the first connection is not reconnected.
     */
    @Override
    public void connected(MqttProtocolClient client) throws Exception {
        CompletableFuture<Void> subscribed = client.subscribe(subscriptionFilters, qos);
        try {
            subscribed.get(subAckTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Without a bound the task would wait in open() for ever: no checkpoint, no restart.
            throw new FlinkRuntimeException(
                    String.format(
                            "MQTT client %s got no SUBACK from %s for %s within %d ms"
                                    + " (2 x mqtt.connect-timeout + 1 s); the connection may have"
                                    + " been lost after CONNACK",
                            clientId,
                            connection.currentUri(),
                            subscriptionFilters,
                            subAckTimeoutMillis),
                    e);
        } finally {
            // A SUBSCRIBE left pending (timed out, or the task interrupted) holds the event loop.
            subscribed.cancel(false);
        }
    }

    /**
     * The HiveMQ client never sends an acknowledgement of a message from an earlier connection, but
     * holds the message against the receive maximum until it is acknowledged; the broker sends it
     * again on the next connection (the reader drops that copy, see {@link Redeliveries}). So the
     * acknowledgements still owed are released now: left alone they would count twice on the next
     * connection and make the client refuse the broker's traffic (receive maximum exceeded),
     * reconnect, and so on. Nothing reaches the broker; what a later checkpoint acknowledges is the
     * resent copy.
     */
    @Override
    public void lost(boolean byClient) {
        int released = 0;
        for (ReceivedMessage message : outstanding) {
            if (outstanding.remove(message) && message.acknowledge()) {
                released++;
            }
        }
        LOG.info(
                "MQTT client {}: released {} acknowledgements of the lost connection; the broker"
                        + " sends those messages again",
                clientId,
                released);
        onLost.accept(byClient);
    }

    /**
     * A broker that lost the session resends nothing; one that kept it may still have lost its
     * shared subscriptions: Mosquitto (2.0.11) restores a persistent session after its restart
     * without them and reports the session present, so nothing new would reach this client. Shared
     * subscriptions get no retained messages, so subscribing again costs nothing.
     */
    @Override
    public void reconnected(boolean sessionPresent) {
        if (!sessionPresent) {
            sessionGeneration++;
            return;
        }
        MqttProtocolClient client = protocolClient;
        if (!shared || client == null) {
            return;
        }
        onSharedResubscribe.run();
        LOG.warn(
                "MQTT client {} resumed its session and subscribes to {} again: a broker that"
                        + " restarted may have restored the session without its shared"
                        + " subscription (Mosquitto 2.0 does), and messages published between"
                        + " its start and now reached no reader of the group",
                clientId,
                subscriptionFilters);
        client.subscribe(subscriptionFilters, qos)
                .whenComplete(
                        (ok, error) -> {
                            if (error != null && !closing) {
                                failureHandler.accept(
                                        new FlinkRuntimeException(
                                                String.format(
                                                        "MQTT client %s could not subscribe to %s"
                                                                + " again after a reconnect",
                                                        clientId, subscriptionFilters),
                                                error));
                            }
                        });
    }

    /** Counts the sessions the broker lost; a resent copy only matches within one. */
    int sessionGeneration() {
        return sessionGeneration;
    }

    /** Acknowledges a message the reader emitted, unless a connection loss released it. */
    void acknowledge(ReceivedMessage message) {
        if (outstanding.remove(message)) {
            message.acknowledge();
        }
    }

    /** QoS 1/2 messages handed over and not acknowledged yet. */
    int outstanding() {
        return outstanding.size();
    }

    /**
     * Cancels the publish flow, but only once the client is really disconnected: a QoS 1/2 message
     * that reaches a client without a flow is acknowledged by the client at once, unprocessed. A
     * client left connecting (after a timeout) keeps its flow without demand, so it holds such
     * messages unacknowledged until the broker drops it.
     */
    @Override
    public void disposed(MqttClientState finalState) {
        Subscription s = takeSubscription();
        if (s != null && finalState == MqttClientState.DISCONNECTED) {
            s.cancel();
        } else if (s != null) {
            LOG.warn(
                    "MQTT client {} is still {} after closing; it takes no more messages",
                    clientId,
                    finalState);
        }
    }

    private ReceivedMessage received(
            MqttMessage message, Runnable acknowledge, MqttDelivery delivery) {
        ReceivedMessage received = new ReceivedMessage(message, acknowledge, this, delivery);
        if (message.getQos() > 0) {
            outstanding.add(received);
        }
        return received;
    }

    /**
     * Disconnects without acknowledging anything still pending: the broker keeps the session and
     * sends those messages again to the next client with this id.
     */
    @Override
    public void close() {
        closing = true;
        connection.close();
    }
}
