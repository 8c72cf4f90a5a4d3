package io.vigil.connectors.mqtt.sink;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Turns a stream element into the MQTT message the {@link MqttSink} publishes: its topic and its
 * payload.
 *
 * @param <T> the stream element type
 */
@PublicEvolving
public interface MqttSerializationSchema<T> extends Serializable {

    /** The topic to publish the element to; no wildcards. */
    String topic(T element);

    /** The payload bytes. */
    byte[] payload(T element);
}
