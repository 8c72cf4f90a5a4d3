package io.vigil.connectors.mqtt.source.reader;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3RxClient;
import com.hivemq.client.mqtt.mqtt3.lifecycle.Mqtt3ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5RxClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.reactivex.Flowable;
import io.reactivex.FlowableSubscriber;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.connection.ReconnectBackoff;
import io.vigil.connectors.mqtt.source.MqttMessage;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
final class MqttSessionClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSessionClient.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Connection states, also the values of the {@code connectionState} gauge. */
    enum State {
        DISCONNECTED,
        CONNECTING,
        RECONNECTING,
        CONNECTED
    }

    private final Configuration conf;
    private final String clientId;
    private final List<URI> brokerUris;
    private final List<String> subscriptionFilters;
    private final MqttProtocolVersion version;
    private final MqttQos qos;
    private final Optional<byte[]> password;
    private final long initialCredit;
    private final ReconnectBackoff backoff;
    private final Consumer<ReceivedMessage> handOver;
    private final Consumer<Throwable> failureHandler;
    private final Runnable onReconnect;

    private volatile State state = State.DISCONNECTED;
    private volatile boolean closing;
    private volatile boolean everConnected;
    private volatile int uriIndex;
    private volatile Subscription subscription;
    private Mqtt5RxClient client5;
    private Mqtt3RxClient client3;

    MqttSessionClient(
            Configuration conf,
            String clientId,
            List<String> subscriptionFilters,
            Optional<byte[]> password,
            long initialCredit,
            Consumer<ReceivedMessage> handOver,
            Consumer<Throwable> failureHandler,
            Runnable onReconnect) {
        this.conf = conf;
        this.clientId = clientId;
        this.brokerUris = MqttConnections.brokerUris(conf);
        this.subscriptionFilters = subscriptionFilters;
        this.version = conf.get(MqttSourceOptions.PROTOCOL_VERSION);
        this.qos = MqttQos.fromCode(conf.get(MqttSourceOptions.QOS));
        this.password = password;
        this.initialCredit = initialCredit;
        this.backoff =
                new ReconnectBackoff(
                        conf.get(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF),
                        conf.get(MqttSourceOptions.RECONNECT_MAX_BACKOFF),
                        () -> ThreadLocalRandom.current().nextDouble());
        this.handOver = handOver;
        this.failureHandler = failureHandler;
        this.onReconnect = onReconnect;
    }

    State state() {
        return state;
    }

    /**
     * Connects and subscribes, trying each broker URI once; fails with the broker and the cause
     * when none accepts the client, so that a bad setting fails the job instead of retrying
     * silently.
     */
    void connect() {
        FlinkRuntimeException failure = null;
        for (int i = 0; i < brokerUris.size(); i++) {
            uriIndex = i;
            URI uri = brokerUris.get(i);
            state = State.CONNECTING;
            try {
                boolean sessionPresent = connectTo(uri);
                subscribe();
                everConnected = true;
                state = State.CONNECTED;
                LOG.info(
                        "MQTT client {} connected to {} (session present: {}), subscribed to {} at"
                                + " QoS {}",
                        clientId,
                        uri,
                        sessionPresent,
                        subscriptionFilters,
                        qos.getCode());
                return;
            } catch (RuntimeException e) {
                state = State.DISCONNECTED;
                disposeClient();
                failure = MqttConnections.connectFailure(failure, uri, clientId, e);
            }
        }
        throw failure;
    }

    /** Lets the client hand over {@code n} more messages. */
    void request(long n) {
        Subscription s = subscription;
        if (s != null) {
            s.request(n);
        }
    }

    private boolean connectTo(URI uri) {
        MqttClientBuilder builder =
                MqttClient.builder()
                        .identifier(clientId)
                        .transportConfig(MqttConnections.transport(conf, uri))
                        .addConnectedListener(this::onConnected)
                        .addDisconnectedListener(this::onDisconnected);
        long timeoutMillis = MqttConnections.connectGuardMillis(conf);
        int keepAlive = MqttConnections.keepAliveSeconds(conf);
        if (version == MqttProtocolVersion.MQTT_5) {
            client5 = builder.useMqttVersion5().buildRx();
            // The flow must exist before CONNECT: the broker resends unacknowledged messages of a
            // resumed session right after CONNACK, and a message without a flow is acknowledged
            // by the client at once.
            subscribeFlow(client5.publishes(MqttGlobalPublishFilter.ALL, true).map(this::convert));
            Mqtt5ConnectBuilder connect =
                    Mqtt5Connect.builder()
                            .cleanStart(false)
                            .sessionExpiryInterval(
                                    conf.get(MqttSourceOptions.SESSION_EXPIRY).getSeconds())
                            .keepAlive(keepAlive)
                            .restrictions()
                            .receiveMaximum(conf.get(MqttSourceOptions.RECEIVE_MAXIMUM))
                            .applyRestrictions();
            MqttConnections.auth5(conf, password).ifPresent(connect::simpleAuth);
            return client5.connect(connect.build())
                    .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                    .blockingGet()
                    .isSessionPresent();
        }
        client3 = builder.useMqttVersion3().buildRx();
        subscribeFlow(client3.publishes(MqttGlobalPublishFilter.ALL, true).map(this::convert));
        Mqtt3ConnectBuilder connect =
                Mqtt3Connect.builder().cleanSession(false).keepAlive(keepAlive);
        MqttConnections.auth3(conf, password).ifPresent(connect::simpleAuth);
        return client3.connect(connect.build())
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .blockingGet()
                .isSessionPresent();
    }

    /**
     * Subscribes on every start, not only when the session is new, so that a changed filter list
     * takes effect; MQTT 5 then does not resend retained messages for a subscription that exists.
     */
    private void subscribe() {
        if (client5 != null) {
            List<Mqtt5Subscription> subscriptions = new ArrayList<>();
            for (String filter : subscriptionFilters) {
                subscriptions.add(
                        Mqtt5Subscription.builder()
                                .topicFilter(filter)
                                .qos(qos)
                                .retainHandling(
                                        Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                                .build());
            }
            Mqtt5SubAck subAck =
                    client5.subscribe(
                                    Mqtt5Subscribe.builder()
                                            .addSubscriptions(subscriptions)
                                            .build())
                            .blockingGet();
            List<Mqtt5SubAckReasonCode> codes = subAck.getReasonCodes();
            for (int i = 0; i < codes.size(); i++) {
                if (codes.get(i).isError()) {
                    throw new FlinkRuntimeException(
                            String.format(
                                    "The broker refused the subscription %s: %s",
                                    subscriptionFilters.get(i), codes.get(i)));
                }
            }
        } else {
            List<Mqtt3Subscription> subscriptions = new ArrayList<>();
            for (String filter : subscriptionFilters) {
                subscriptions.add(Mqtt3Subscription.builder().topicFilter(filter).qos(qos).build());
            }
            Mqtt3SubAck subAck =
                    client3.subscribe(
                                    Mqtt3Subscribe.builder()
                                            .addSubscriptions(subscriptions)
                                            .build())
                            .blockingGet();
            List<Mqtt3SubAckReturnCode> codes = subAck.getReturnCodes();
            for (int i = 0; i < codes.size(); i++) {
                if (codes.get(i) == Mqtt3SubAckReturnCode.FAILURE) {
                    throw new FlinkRuntimeException(
                            String.format(
                                    "The broker refused the subscription %s",
                                    subscriptionFilters.get(i)));
                }
            }
        }
    }

    private void subscribeFlow(Flowable<ReceivedMessage> publishes) {
        publishes.subscribe(
                new FlowableSubscriber<ReceivedMessage>() {
                    @Override
                    public void onSubscribe(Subscription s) {
                        subscription = s;
                        s.request(initialCredit);
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
                                                    "MQTT client %s stopped delivering messages",
                                                    clientId),
                                            t));
                        }
                    }

                    @Override
                    public void onComplete() {}
                });
    }

    private ReceivedMessage convert(Mqtt5Publish publish) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Mqtt5UserProperty property : publish.getUserProperties().asList()) {
            properties.put(property.getName().toString(), property.getValue().toString());
        }
        MqttMessage message =
                new MqttMessage(
                        publish.getTopic().toString(),
                        publish.getPayloadAsBytes(),
                        publish.getQos().getCode(),
                        publish.isRetain(),
                        properties,
                        System.currentTimeMillis());
        return new ReceivedMessage(message, publish::acknowledge, this);
    }

    private ReceivedMessage convert(Mqtt3Publish publish) {
        MqttMessage message =
                new MqttMessage(
                        publish.getTopic().toString(),
                        publish.getPayloadAsBytes(),
                        publish.getQos().getCode(),
                        publish.isRetain(),
                        Map.of(),
                        System.currentTimeMillis());
        return new ReceivedMessage(message, publish::acknowledge, this);
    }

    private void onConnected(MqttClientConnectedContext context) {
        if (!everConnected) {
            return;
        }
        state = State.CONNECTED;
        boolean sessionPresent =
                context instanceof Mqtt5ClientConnectedContext
                        ? ((Mqtt5ClientConnectedContext) context).getConnAck().isSessionPresent()
                        : ((Mqtt3ClientConnectedContext) context).getConnAck().isSessionPresent();
        if (sessionPresent) {
            LOG.info("MQTT client {} reconnected to {}", clientId, currentUri());
        } else {
            // The client resubscribes by itself (resubscribeIfSessionExpired), but what the
            // broker had queued for the lost session is gone.
            LOG.warn(
                    "MQTT client {} reconnected to {} but the broker had lost its session;"
                            + " resubscribed, messages queued for the old session are lost",
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
                    "MQTT client {} lost its connection to {}: {}; reconnecting",
                    clientId,
                    currentUri(),
                    MqttConnections.describe(context.getCause()));
            onReconnect.run();
        } else {
            LOG.debug(
                    "MQTT client {} reconnect attempt {} to {} failed: {}",
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
        context.getReconnector()
                .reconnect(true)
                .delay(backoff.delayMillis(attempt), TimeUnit.MILLISECONDS);
    }

    private URI currentUri() {
        return brokerUris.get(uriIndex);
    }

    /**
     * Disconnects, then cancels the publish flow, but only once the client is really disconnected:
     * a QoS 1/2 message that reaches a client without a flow is acknowledged by the client at once,
     * unprocessed. A client left connecting (after a timeout) keeps its flow without demand, so it
     * holds such messages unacknowledged until the broker drops it.
     */
    private void disposeClient() {
        MqttClientState finalState = MqttClientState.DISCONNECTED;
        try {
            if (client5 != null) {
                if (client5.getState().isConnectedOrReconnect()) {
                    client5.disconnect()
                            .timeout(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .blockingAwait();
                }
                finalState = client5.getState();
            }
            if (client3 != null) {
                if (client3.getState().isConnectedOrReconnect()) {
                    client3.disconnect()
                            .timeout(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .blockingAwait();
                }
                finalState = client3.getState();
            }
        } catch (RuntimeException e) {
            LOG.debug("MQTT client {} did not disconnect cleanly", clientId, e);
        }
        Subscription s = subscription;
        subscription = null;
        if (s != null && finalState == MqttClientState.DISCONNECTED) {
            s.cancel();
        } else if (s != null) {
            LOG.warn(
                    "MQTT client {} is still {} after closing; it takes no more messages",
                    clientId,
                    finalState);
        }
        client5 = null;
        client3 = null;
    }

    /**
     * Disconnects without acknowledging anything still pending: the broker keeps the session and
     * sends those messages again to the next client with this id.
     */
    @Override
    public void close() {
        closing = true;
        disposeClient();
        state = State.DISCONNECTED;
        LOG.info("MQTT client {} closed", clientId);
    }
}
