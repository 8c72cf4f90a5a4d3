package io.vigil.connectors.mqtt.sink.internal;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectRestrictions;
import io.vigil.connectors.mqtt.connection.MqttConnection;
import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publishing MQTT client (3.1.1 or 5), the one {@link MqttSinkWriter} uses: connects (the first
 * connection fails loudly), publishes asynchronously, and reconnects with backoff after a loss,
 * keeping or republishing what is not yet acknowledged.
 *
 * <p>It is also the entry point for code outside a Flink job that publishes as the sink does, such
 * as Vigil's fleet simulator: build a {@link Configuration} of {@link MqttConnectionOptions}
 * (broker URIs, protocol version, login, TLS, timeouts), then {@link #connect}, {@link #publish}
 * and {@link #close}. It is internal: its signature may change with the sink.
 */
@Internal
public final class MqttPublishClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttPublishClient.class);

    private final MqttConnection connection;

    /**
     * Each session starts clean, so no state of an earlier run (such as a half-finished QoS 2
     * exchange with the same packet id) can swallow a new message; the MQTT 5 session outlives a
     * connection loss so that the client resends what the broker has not acknowledged.
     *
     * @param conf the connection settings of {@link MqttConnectionOptions}
     * @param password the broker password, if the login needs one
     */
    public MqttPublishClient(Configuration conf, String clientId, Optional<byte[]> password) {
        this.connection =
                new MqttConnection(
                        conf,
                        clientId,
                        "publisher",
                        true,
                        Mqtt5ConnectRestrictions.DEFAULT_RECEIVE_MAXIMUM,
                        password,
                        new MqttConnection.Listener() {});
    }

    public String clientId() {
        return connection.clientId();
    }

    public URI currentUri() {
        return connection.currentUri();
    }

    public boolean isConnected() {
        return connection.isConnected();
    }

    /**
     * Connects, trying each broker URI once; fails with the broker and the cause when none accepts
     * the client, so that a bad setting fails the job instead of retrying silently.
     *
     * @throws org.apache.flink.util.FlinkRuntimeException naming each broker tried and its cause
     */
    public void connect() {
        connection.connect();
        LOG.info("MQTT publisher {} connected to {}", clientId(), currentUri());
    }

    /**
     * Publishes; the future completes when the broker has acknowledged the message (PUBACK for QoS
     * 1, PUBCOMP for QoS 2) or, for QoS 0, when it is sent, and fails with the cause otherwise.
     *
     * @throws IllegalArgumentException if the topic is not a valid topic name
     */
    public CompletableFuture<Void> publish(
            String topic, byte[] payload, MqttQos qos, boolean retain) {
        return connection.client().publish(topic, payload, qos, retain);
    }

    @Override
    public void close() {
        connection.close();
    }
}
