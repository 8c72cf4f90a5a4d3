package io.vigil.connectors.mqtt.source;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

/**
 * Turns a received {@link MqttMessage} (topic, payload, QoS, retain flag, user properties) into the
 * record the source emits.
 *
 * @param <T> the record type
 */
@PublicEvolving
public interface MqttDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T> {

    /**
     * Returns the record for one message, or {@code null} to emit nothing for it (the message is
     * still acknowledged with the next completed checkpoint). An exception fails the job.
     */
    T deserialize(MqttMessage message) throws IOException;

    /** Emits the {@link MqttMessage} itself. */
    static MqttDeserializationSchema<MqttMessage> raw() {
        return new RawSchema();
    }

    /** Emits the payload decoded as UTF-8. */
    static MqttDeserializationSchema<String> payloadAsUtf8() {
        return new Utf8Schema();
    }

    /** The schema behind {@link #raw()}. */
    final class RawSchema implements MqttDeserializationSchema<MqttMessage> {
        private static final long serialVersionUID = 1L;

        @Override
        public MqttMessage deserialize(MqttMessage message) {
            return message;
        }

        @Override
        public TypeInformation<MqttMessage> getProducedType() {
            return TypeInformation.of(MqttMessage.class);
        }
    }

    /** The schema behind {@link #payloadAsUtf8()}. */
    final class Utf8Schema implements MqttDeserializationSchema<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String deserialize(MqttMessage message) {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
