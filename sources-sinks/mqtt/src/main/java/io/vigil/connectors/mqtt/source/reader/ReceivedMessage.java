package io.vigil.connectors.mqtt.source.reader;

import io.vigil.connectors.mqtt.connection.MqttDelivery;
import io.vigil.connectors.mqtt.source.MqttMessage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.annotation.Internal;

/** A message handed from the MQTT client thread to the reader, with the way to acknowledge it. */
@Internal
final class ReceivedMessage {

    private final MqttMessage message;
    private final Runnable acknowledgement;
    private final MqttSessionClient client;
    private final MqttDelivery delivery;
    private final AtomicBoolean acknowledged = new AtomicBoolean();

    ReceivedMessage(
            MqttMessage message,
            Runnable acknowledgement,
            MqttSessionClient client,
            MqttDelivery delivery) {
        this.message = message;
        this.acknowledgement = acknowledgement;
        this.client = client;
        this.delivery = delivery;
    }

    MqttMessage message() {
        return message;
    }

    /** QoS 0 messages have nothing to acknowledge. */
    boolean needsAcknowledgement() {
        return message.getQos() > 0;
    }

    /**
     * Runs the client's acknowledgement once; later calls do nothing. Thread-safe: the reader
     * acknowledges after a checkpoint, the client thread releases after a connection loss.
     */
    boolean acknowledge() {
        if (acknowledged.compareAndSet(false, true)) {
            acknowledgement.run();
            return true;
        }
        return false;
    }

    MqttSessionClient client() {
        return client;
    }

    MqttDelivery delivery() {
        return delivery;
    }
}
