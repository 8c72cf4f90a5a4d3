package io.vigil.connectors.mqtt.source.reader;

import io.vigil.connectors.mqtt.source.MqttMessage;
import org.apache.flink.annotation.Internal;

/** A message handed from the MQTT client thread to the reader, with the way to acknowledge it. */
@Internal
final class ReceivedMessage {

    private final MqttMessage message;
    private final Runnable acknowledgement;
    private final MqttSessionClient client;

    ReceivedMessage(MqttMessage message, Runnable acknowledgement, MqttSessionClient client) {
        this.message = message;
        this.acknowledgement = acknowledgement;
        this.client = client;
    }

    MqttMessage message() {
        return message;
    }

    /** QoS 0 messages have nothing to acknowledge. */
    boolean needsAcknowledgement() {
        return message.getQos() > 0;
    }

    Runnable acknowledgement() {
        return acknowledgement;
    }

    MqttSessionClient client() {
        return client;
    }
}
