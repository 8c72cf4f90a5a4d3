package io.vigil.job;

import io.vigil.connectors.mqtt.source.MqttDeserializationSchema;
import io.vigil.connectors.mqtt.source.MqttMessage;
import io.vigil.model.RawMessage;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Keeps what the analytics core needs of an MQTT message: topic, payload, arrival time. */
public class RawMessageDeserializer implements MqttDeserializationSchema<RawMessage> {

    private static final long serialVersionUID = 1L;

    @Override
    public RawMessage deserialize(MqttMessage message) {
        return new RawMessage(message.getTopic(), message.getPayload(), message.getArrivalTime());
    }

    @Override
    public TypeInformation<RawMessage> getProducedType() {
        return TypeInformation.of(RawMessage.class);
    }
}
