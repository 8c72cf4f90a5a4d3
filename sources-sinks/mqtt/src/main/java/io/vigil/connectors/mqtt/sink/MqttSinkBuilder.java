package io.vigil.connectors.mqtt.sink;

import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkBetween;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkName;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkQos;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.validateConnection;

import io.vigil.connectors.mqtt.connection.MqttConnectionBuilder;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;

/**
 * Builds an {@link MqttSink}; {@link #build()} rejects bad settings with a message that names the
 * setting and the value.
 *
 * @param <T> the stream element type
 */
@PublicEvolving
public final class MqttSinkBuilder<T> extends MqttConnectionBuilder<MqttSinkBuilder<T>> {

    private MqttSerializationSchema<T> serializer;

    MqttSinkBuilder() {}

    /** Publish QoS 0, 1 or 2. */
    public MqttSinkBuilder<T> setQos(int qos) {
        return set(MqttSinkOptions.QOS, qos);
    }

    /** Subtask i publishes as client {@code {prefix}-{i}}. */
    public MqttSinkBuilder<T> setClientIdPrefix(String prefix) {
        return set(MqttSinkOptions.CLIENT_ID_PREFIX, prefix);
    }

    /** Unacknowledged publishes per writer before it waits. */
    public MqttSinkBuilder<T> setMaxInFlight(int maxInFlight) {
        return set(MqttSinkOptions.MAX_IN_FLIGHT, maxInFlight);
    }

    public MqttSinkBuilder<T> setRetain(boolean retain) {
        return set(MqttSinkOptions.RETAIN, retain);
    }

    public MqttSinkBuilder<T> setSerializer(MqttSerializationSchema<T> serializer) {
        this.serializer = serializer;
        return this;
    }

    public MqttSink<T> build() {
        if (serializer == null) {
            throw new IllegalArgumentException("The serializer is not set (setSerializer).");
        }
        Configuration conf = configuration();
        validateConnection(conf);
        checkQos(conf, MqttSinkOptions.QOS);
        checkBetween(conf, MqttSinkOptions.MAX_IN_FLIGHT, 1, 65535);
        conf.set(MqttSinkOptions.CLIENT_ID_PREFIX, clientIdPrefix(conf));
        checkName(conf.get(MqttSinkOptions.CLIENT_ID_PREFIX), MqttSinkOptions.CLIENT_ID_PREFIX);
        return new MqttSink<>(conf, serializer);
    }

    /** The sink's own prefix, else one derived from the source's, so the two never share an id. */
    private static String clientIdPrefix(Configuration conf) {
        return conf.getOptional(MqttSinkOptions.CLIENT_ID_PREFIX)
                .orElseGet(
                        () ->
                                conf.getOptional(MqttSourceOptions.CLIENT_ID_PREFIX)
                                        .map(prefix -> prefix + "-publisher")
                                        .orElse(MqttSinkOptions.DEFAULT_CLIENT_ID_PREFIX));
    }
}
