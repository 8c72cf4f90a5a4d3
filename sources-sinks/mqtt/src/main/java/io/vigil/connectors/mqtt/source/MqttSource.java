package io.vigil.connectors.mqtt.source;

import io.vigil.connectors.mqtt.source.enumerator.MqttEnumeratorState;
import io.vigil.connectors.mqtt.source.enumerator.MqttEnumeratorStateSerializer;
import io.vigil.connectors.mqtt.source.enumerator.MqttSplitEnumerator;
import io.vigil.connectors.mqtt.source.reader.MqttSourceReader;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplitSerializer;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An unbounded Flink source that subscribes to MQTT topics with a persistent session per reader and
 * acknowledges QoS 1/2 messages only after the checkpoint that covers them completes
 * (at-least-once).
 *
 * <pre>{@code
 * MqttSource<MqttMessage> source =
 *         MqttSource.<MqttMessage>builder()
 *                 .setBrokerUris("tcp://broker:1883")
 *                 .setTopicFilters("sensors/#")
 *                 .setQos(1)
 *                 .setClientIdPrefix("vigil-sensors")
 *                 .setDeserializer(MqttDeserializationSchema.raw())
 *                 .build();
 * env.enableCheckpointing(2_000);
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt").uid("mqtt-source");
 * }</pre>
 *
 * @param <T> the record type
 */
@PublicEvolving
public final class MqttSource<T>
        implements Source<T, MqttSubscriptionSplit, MqttEnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final Configuration configuration;
    private final MqttDeserializationSchema<T> deserializer;

    MqttSource(Configuration configuration, MqttDeserializationSchema<T> deserializer) {
        this.configuration = configuration;
        this.deserializer = deserializer;
    }

    public static <T> MqttSourceBuilder<T> builder() {
        return new MqttSourceBuilder<>();
    }

    /** A copy of the validated settings. */
    public Configuration getConfiguration() {
        return new Configuration(configuration);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<T, MqttSubscriptionSplit> createReader(SourceReaderContext readerContext) {
        return new MqttSourceReader<>(configuration, deserializer, readerContext);
    }

    @Override
    public SplitEnumerator<MqttSubscriptionSplit, MqttEnumeratorState> createEnumerator(
            SplitEnumeratorContext<MqttSubscriptionSplit> context) {
        return new MqttSplitEnumerator(
                context,
                MqttEnumeratorState.empty(),
                configuration.get(MqttSourceOptions.SESSIONS_PER_READER));
    }

    @Override
    public SplitEnumerator<MqttSubscriptionSplit, MqttEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<MqttSubscriptionSplit> context, MqttEnumeratorState state) {
        return new MqttSplitEnumerator(
                context, state, configuration.get(MqttSourceOptions.SESSIONS_PER_READER));
    }

    @Override
    public SimpleVersionedSerializer<MqttSubscriptionSplit> getSplitSerializer() {
        return new MqttSubscriptionSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<MqttEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new MqttEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return deserializer.getProducedType();
    }
}
