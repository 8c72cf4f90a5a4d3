package io.vigil.connectors.mqtt.sink.internal;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5MessageException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.connection.ReconnectBackoff;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publishing MQTT client (3.1.1 or 5): connects (the first connection fails loudly), publishes
 * asynchronously, and reconnects with backoff after a loss, keeping or republishing what is not yet
 * acknowledged.
 */
final class MqttPublishClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttPublishClient.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Configuration conf;
    private final String clientId;
    private final List<URI> brokerUris;
    private final MqttProtocolVersion version;
    private final Optional<byte[]> password;
    private final ReconnectBackoff backoff;

    private volatile boolean closing;
    private volatile boolean everConnected;
    private volatile boolean connected;
    private volatile int uriIndex;
    private Mqtt5AsyncClient client5;
    private Mqtt3AsyncClient client3;

    MqttPublishClient(Configuration conf, String clientId, Optional<byte[]> password) {
        this.conf = conf;
        this.clientId = clientId;
        this.brokerUris = MqttConnections.brokerUris(conf);
        this.version = conf.get(MqttSourceOptions.PROTOCOL_VERSION);
        this.password = password;
        this.backoff =
                new ReconnectBackoff(
                        conf.get(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF),
                        conf.get(MqttSourceOptions.RECONNECT_MAX_BACKOFF),
                        () -> ThreadLocalRandom.current().nextDouble());
    }

    String clientId() {
        return clientId;
    }

    URI currentUri() {
        return brokerUris.get(uriIndex);
    }

    boolean isConnected() {
        return connected;
    }

    /**
     * Connects, trying each broker URI once; fails with the broker and the cause when none accepts
     * the client, so that a bad setting fails the job instead of retrying silently.
     */
    void connect() {
        FlinkRuntimeException failure = null;
        for (int i = 0; i < brokerUris.size(); i++) {
            uriIndex = i;
            URI uri = brokerUris.get(i);
            try {
                connectTo(uri);
                everConnected = true;
                connected = true;
                LOG.info("MQTT publisher {} connected to {}", clientId, uri);
                return;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                disconnectQuietly();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                failure = MqttConnections.connectFailure(failure, uri, clientId, cause);
            }
        }
        throw failure;
    }

    /**
     * Each session starts clean, so no state of an earlier run (such as a half-finished QoS 2
     * exchange with the same packet id) can swallow a new message; the MQTT 5 session outlives a
     * connection loss so that the client resends what the broker has not acknowledged.
     */
    private void connectTo(URI uri) throws Exception {
        MqttClientBuilder builder =
                MqttClient.builder()
                        .identifier(clientId)
                        .transportConfig(MqttConnections.transport(conf, uri))
                        .addConnectedListener(this::onConnected)
                        .addDisconnectedListener(this::onDisconnected);
        long timeoutMillis = MqttConnections.connectGuardMillis(conf);
        int keepAlive = MqttConnections.keepAliveSeconds(conf);
        if (version == MqttProtocolVersion.MQTT_5) {
            client5 = builder.useMqttVersion5().buildAsync();
            Mqtt5ConnectBuilder connect =
                    Mqtt5Connect.builder()
                            .cleanStart(true)
                            .sessionExpiryInterval(
                                    conf.get(MqttSourceOptions.SESSION_EXPIRY).getSeconds())
                            .keepAlive(keepAlive);
            MqttConnections.auth5(conf, password).ifPresent(connect::simpleAuth);
            client5.connect(connect.build()).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return;
        }
        client3 = builder.useMqttVersion3().buildAsync();
        Mqtt3ConnectBuilder connect =
                Mqtt3Connect.builder().cleanSession(true).keepAlive(keepAlive);
        MqttConnections.auth3(conf, password).ifPresent(connect::simpleAuth);
        client3.connect(connect.build()).get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Publishes; the future completes when the broker has acknowledged the message (PUBACK for QoS
     * 1, PUBCOMP for QoS 2) or, for QoS 0, when it is sent, and fails with the cause otherwise.
     *
     * @throws IllegalArgumentException if the topic is not a valid topic name
     */
    CompletableFuture<Void> publish(String topic, byte[] payload, MqttQos qos, boolean retain) {
        if (client5 != null) {
            Mqtt5Publish publish =
                    Mqtt5Publish.builder()
                            .topic(topic)
                            .payload(payload)
                            .qos(qos)
                            .retain(retain)
                            .build();
            return client5.publish(publish)
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
        Mqtt3Publish publish =
                Mqtt3Publish.builder()
                        .topic(topic)
                        .payload(payload)
                        .qos(qos)
                        .retain(retain)
                        .build();
        return client3.publish(publish).thenApply(sent -> null);
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
                            error.getMessage(), ((Mqtt5MessageException) error).getMqttMessage()),
                    error);
        }
        return new FlinkRuntimeException(error);
    }

    private void onConnected(MqttClientConnectedContext context) {
        if (everConnected) {
            connected = true;
            LOG.info("MQTT publisher {} reconnected to {}", clientId, currentUri());
        }
    }

    private void onDisconnected(MqttClientDisconnectedContext context) {
        if (closing || !everConnected) {
            // The first connection reports its failure to connect(); closing needs no retry.
            return;
        }
        int attempt = context.getReconnector().getAttempts();
        if (connected) {
            LOG.warn(
                    "MQTT publisher {} lost its connection to {}: {}; reconnecting",
                    clientId,
                    currentUri(),
                    MqttConnections.describe(context.getCause()));
        } else {
            LOG.debug(
                    "MQTT publisher {} reconnect attempt {} to {} failed: {}",
                    clientId,
                    attempt,
                    currentUri(),
                    MqttConnections.describe(context.getCause()));
        }
        connected = false;
        if (brokerUris.size() > 1) {
            uriIndex = (uriIndex + 1) % brokerUris.size();
            context.getReconnector().transportConfig(MqttConnections.transport(conf, currentUri()));
        }
        // A reconnect that finds no session (MQTT 3.1.1 always, MQTT 5 after a broker lost it)
        // sends the unacknowledged messages again instead of failing them.
        context.getReconnector()
                .reconnect(true)
                .republishIfSessionExpired(true)
                .delay(backoff.delayMillis(attempt), TimeUnit.MILLISECONDS);
    }

    private void disconnectQuietly() {
        try {
            if (client5 != null && client5.getState().isConnectedOrReconnect()) {
                client5.disconnect().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (client3 != null && client3.getState().isConnectedOrReconnect()) {
                client3.disconnect().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("MQTT publisher {} did not disconnect cleanly", clientId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client5 = null;
        client3 = null;
    }

    @Override
    public void close() {
        closing = true;
        connected = false;
        disconnectQuietly();
        LOG.info("MQTT publisher {} closed", clientId);
    }
}
