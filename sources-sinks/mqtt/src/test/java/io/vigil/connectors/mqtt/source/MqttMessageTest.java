package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class MqttMessageTest {

    @Test
    void isAFlinkPojoThatSurvivesSerialization() throws Exception {
        TypeInformation<MqttMessage> type = MqttDeserializationSchema.raw().getProducedType();
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<MqttMessage> serializer = type.createSerializer(new SerializerConfigImpl());
        MqttMessage message =
                new MqttMessage(
                        "sensors/a/b/c",
                        "87.5".getBytes(StandardCharsets.UTF_8),
                        2,
                        true,
                        Map.of("unit", "dB"),
                        1_764_316_800_123L);

        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(message, out);
        MqttMessage copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(copy).isEqualTo(message);
        assertThat(copy.getUserProperties()).containsEntry("unit", "dB");
    }

    @Test
    void utf8SchemaDecodesThePayload() throws Exception {
        MqttMessage message =
                new MqttMessage(
                        "t", "grüße".getBytes(StandardCharsets.UTF_8), 0, false, Map.of(), 0);
        assertThat(MqttDeserializationSchema.payloadAsUtf8().deserialize(message))
                .isEqualTo("grüße");
    }
}
