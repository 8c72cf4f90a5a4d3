package io.vigil.connectors.mqtt.connection;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.lifecycle.Mqtt3ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuth;
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuthBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5MessageException;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.reactivex.Flowable;
import io.vigil.connectors.mqtt.source.MqttMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * The one place that knows MQTT 3.1.1 from MQTT 5: one HiveMQ client of either version behind the
 * operations the source and the sink need (connect with login and session settings, subscribe,
 * receive with manual acknowledgement, publish, disconnect).
 */
@Internal
public abstract class MqttProtocolClient {

    /**
     * Takes each received message, stamped with the wall-clock time it arrived, with the way to
     * acknowledge it.
     */
    @FunctionalInterface
    public interface Receiver<M> {
        M receive(MqttMessage message, Runnable acknowledge, MqttDelivery delivery);
    }

    /** The client of either version, for what the versions have in common. */
    private final MqttClient client;

    private MqttProtocolClient(MqttClient client) {
        this.client = client;
    }

    /** Builds the client of {@code version} from a builder that already has id and transport. */
    static MqttProtocolClient create(MqttProtocolVersion version, MqttClientBuilder builder) {
        return version == MqttProtocolVersion.MQTT_5
                ? new V5(builder.useMqttVersion5().buildAsync())
                : new V3(builder.useMqttVersion3().buildAsync());
    }

    /** Whether the broker resumed the session, from the context of either version. */
    static boolean sessionPresent(MqttClientConnectedContext context) {
        return context instanceof Mqtt5ClientConnectedContext
                ? ((Mqtt5ClientConnectedContext) context).getConnAck().isSessionPresent()
                : ((Mqtt3ClientConnectedContext) context).getConnAck().isSessionPresent();
    }

    /**
     * Every message the broker sends, with manual acknowledgement: one not acknowledged stays
     * unacknowledged at the broker. Must be subscribed to before {@link #connect}, else the client
     * acknowledges the messages a resumed session resends at once.
     */
    public abstract <M> Flowable<M> publishes(Receiver<M> receiver);

    /**
     * Sends CONNECT with the keep-alive, session expiry and login of {@code conf}; completes with
     * whether the broker had a session for this client.
     *
     * @param cleanStart start a new session instead of resuming one
     * @param receiveMaximum MQTT 5 only: QoS 1/2 messages the broker may have unacknowledged
     */
    abstract CompletableFuture<Boolean> connect(
            Configuration conf, Optional<byte[]> password, boolean cleanStart, int receiveMaximum);

    /**
     * Subscribes to each filter at {@code qos}; MQTT 5 sends retained messages only for a new
     * subscription. Fails naming the filter the broker refused.
     */
    public abstract CompletableFuture<Void> subscribe(List<String> filters, MqttQos qos);

    /**
     * Publishes; completes when the broker acknowledged the message (PUBACK for QoS 1, PUBCOMP for
     * QoS 2) or, for QoS 0, when it is sent, and fails with the cause (with the broker's reason
     * code, for MQTT 5) otherwise.
     *
     * @throws IllegalArgumentException if the topic is not a valid topic name
     */
    public abstract CompletableFuture<Void> publish(
            String topic, byte[] payload, MqttQos qos, boolean retain);

    abstract CompletableFuture<Void> disconnect();

    final MqttClientState state() {
        return client.getState();
    }

    /**
     * Fails naming the first filter whose SUBACK code (in the order of {@code filters}) is a
     * refusal, with what {@code reason} says of the code.
     */
    private static <C> void requireGranted(
            List<String> filters, List<C> codes, Predicate<C> refused, Function<C, String> reason) {
        for (int i = 0; i < codes.size(); i++) {
            if (refused.test(codes.get(i))) {
                throw new FlinkRuntimeException(
                        String.format(
                                "The broker refused the subscription %s%s",
                                filters.get(i), reason.apply(codes.get(i))));
            }
        }
    }

    /**
     * {@code then} applied to {@code sent}; cancelling the result cancels {@code sent}, so HiveMQ
     * drops a SUBSCRIBE nobody waits for any more: pending, it would hold the client's event loop
     * until the session expires.
     */
    private static <A> CompletableFuture<Void> cancellable(
            CompletableFuture<A> sent, Consumer<A> then) {
        CompletableFuture<Void> result = sent.thenAccept(then);
        result.whenComplete(
                (ok, error) -> {
                    if (result.isCancelled()) {
                        sent.cancel(false);
                    }
                });
        return result;
    }

    /** The login of the connection settings: a user name, with a password when one is set. */
    private record Login(String user, Optional<byte[]> password) {

        /** Empty when no user name is set: then the client sends no login at all. */
        static Optional<Login> of(Configuration conf, Optional<byte[]> password) {
            return conf.getOptional(MqttConnectionOptions.USERNAME)
                    .map(user -> new Login(user, password));
        }
    }

    private static final class V5 extends MqttProtocolClient {
        private final Mqtt5AsyncClient client;

        V5(Mqtt5AsyncClient client) {
            super(client);
            this.client = client;
        }

        @Override
        public <M> Flowable<M> publishes(Receiver<M> receiver) {
            return client.toRx()
                    .publishes(MqttGlobalPublishFilter.ALL, true)
                    .map(
                            publish -> {
                                Map<String, String> properties = new LinkedHashMap<>();
                                for (Mqtt5UserProperty property :
                                        publish.getUserProperties().asList()) {
                                    properties.put(
                                            property.getName().toString(),
                                            property.getValue().toString());
                                }
                                return receiver.receive(
                                        new MqttMessage(
                                                publish.getTopic().toString(),
                                                publish.getPayloadAsBytes(),
                                                publish.getQos().getCode(),
                                                publish.isRetain(),
                                                properties,
                                                System.currentTimeMillis()),
                                        publish::acknowledge,
                                        MqttDelivery.of(publish));
                            });
        }

        @Override
        CompletableFuture<Boolean> connect(
                Configuration conf,
                Optional<byte[]> password,
                boolean cleanStart,
                int receiveMaximum) {
            Mqtt5ConnectBuilder.Send<CompletableFuture<Mqtt5ConnAck>> connect =
                    client.connectWith()
                            .cleanStart(cleanStart)
                            .sessionExpiryInterval(
                                    conf.get(MqttConnectionOptions.SESSION_EXPIRY).getSeconds())
                            .keepAlive(MqttConnections.keepAliveSeconds(conf))
                            .restrictions()
                            .receiveMaximum(receiveMaximum)
                            .maximumPacketSize(MqttConnections.maxPacketSize(conf))
                            .applyRestrictions()
                            .simpleAuth(Login.of(conf, password).map(V5::auth).orElse(null));
            return connect.send().thenApply(ack -> ack.isSessionPresent());
        }

        private static Mqtt5SimpleAuth auth(Login login) {
            Mqtt5SimpleAuthBuilder.Complete auth = Mqtt5SimpleAuth.builder().username(login.user());
            return login.password().map(auth::password).orElse(auth).build();
        }

        @Override
        public CompletableFuture<Void> subscribe(List<String> filters, MqttQos qos) {
            List<Mqtt5Subscription> subscriptions =
                    filters.stream()
                            .map(
                                    filter ->
                                            Mqtt5Subscription.builder()
                                                    .topicFilter(filter)
                                                    .qos(qos)
                                                    .retainHandling(
                                                            Mqtt5RetainHandling
                                                                    .SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
                                                    .build())
                            .collect(Collectors.toList());
            return cancellable(
                    client.subscribe(
                            Mqtt5Subscribe.builder().addSubscriptions(subscriptions).build()),
                    subAck ->
                            requireGranted(
                                    filters,
                                    subAck.getReasonCodes(),
                                    Mqtt5SubAckReasonCode::isError,
                                    code -> ": " + code));
        }

        @Override
        public CompletableFuture<Void> publish(
                String topic, byte[] payload, MqttQos qos, boolean retain) {
            Mqtt5Publish publish =
                    Mqtt5Publish.builder()
                            .topic(topic)
                            .payload(payload)
                            .qos(qos)
                            .retain(retain)
                            .build();
            return client.publish(publish)
                    .handle(
                            (result, thrown) -> {
                                Throwable error =
                                        thrown != null
                                                ? unwrap(thrown)
                                                : result.getError().orElse(null);
                                if (error != null) {
                                    throw refusal(error);
                                }
                                return null;
                            });
        }

        private static Throwable unwrap(Throwable thrown) {
            return thrown instanceof CompletionException && thrown.getCause() != null
                    ? thrown.getCause()
                    : thrown;
        }

        /** The broker's answer (e.g. a PUBACK with reason code NOT_AUTHORIZED) in the message. */
        private static RuntimeException refusal(Throwable error) {
            if (error instanceof Mqtt5MessageException) {
                return new FlinkRuntimeException(
                        String.format(
                                "%s: %s",
                                error.getMessage(),
                                ((Mqtt5MessageException) error).getMqttMessage()),
                        error);
            }
            return new FlinkRuntimeException(error);
        }

        @Override
        CompletableFuture<Void> disconnect() {
            return client.disconnect();
        }
    }

    private static final class V3 extends MqttProtocolClient {
        private final Mqtt3AsyncClient client;

        V3(Mqtt3AsyncClient client) {
            super(client);
            this.client = client;
        }

        @Override
        public <M> Flowable<M> publishes(Receiver<M> receiver) {
            return client.toRx()
                    .publishes(MqttGlobalPublishFilter.ALL, true)
                    .map(
                            publish ->
                                    receiver.receive(
                                            new MqttMessage(
                                                    publish.getTopic().toString(),
                                                    publish.getPayloadAsBytes(),
                                                    publish.getQos().getCode(),
                                                    publish.isRetain(),
                                                    Map.of(),
                                                    System.currentTimeMillis()),
                                            publish::acknowledge,
                                            MqttDelivery.of(publish)));
        }

        /** MQTT 3.1.1 sessions do not expire unless the broker says so; no receive maximum. */
        @Override
        CompletableFuture<Boolean> connect(
                Configuration conf,
                Optional<byte[]> password,
                boolean cleanStart,
                int receiveMaximum) {
            Mqtt3ConnectBuilder.Send<CompletableFuture<Mqtt3ConnAck>> connect =
                    client.connectWith()
                            .cleanSession(cleanStart)
                            .keepAlive(MqttConnections.keepAliveSeconds(conf))
                            .simpleAuth(Login.of(conf, password).map(V3::auth).orElse(null));
            return connect.send().thenApply(ack -> ack.isSessionPresent());
        }

        private static Mqtt3SimpleAuth auth(Login login) {
            Mqtt3SimpleAuthBuilder.Complete auth = Mqtt3SimpleAuth.builder().username(login.user());
            return login.password().map(auth::password).orElse(auth).build();
        }

        @Override
        public CompletableFuture<Void> subscribe(List<String> filters, MqttQos qos) {
            List<Mqtt3Subscription> subscriptions =
                    filters.stream()
                            .map(f -> Mqtt3Subscription.builder().topicFilter(f).qos(qos).build())
                            .collect(Collectors.toList());
            return cancellable(
                    client.subscribe(
                            Mqtt3Subscribe.builder().addSubscriptions(subscriptions).build()),
                    subAck ->
                            requireGranted(
                                    filters,
                                    subAck.getReturnCodes(),
                                    code -> code == Mqtt3SubAckReturnCode.FAILURE,
                                    code -> ""));
        }

        @Override
        public CompletableFuture<Void> publish(
                String topic, byte[] payload, MqttQos qos, boolean retain) {
            Mqtt3Publish publish =
                    Mqtt3Publish.builder()
                            .topic(topic)
                            .payload(payload)
                            .qos(qos)
                            .retain(retain)
                            .build();
            return client.publish(publish).thenApply(sent -> null);
        }

        @Override
        CompletableFuture<Void> disconnect() {
            return client.disconnect();
        }
    }
}
