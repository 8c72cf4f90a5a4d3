package io.vigil.connectors.mqtt.sink;

import io.vigil.connectors.mqtt.sink.internal.MqttSinkWriter;
import java.io.IOException;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;

/**
 * An at-least-once Flink sink (Sink V2) that publishes each element to MQTT and, before every
 * checkpoint, waits until the broker has acknowledged everything published so far.
 *
 * <pre>{@code
 * MqttSink<Alert> sink =
 *         MqttSink.<Alert>builder()
 *                 .setConfiguration(jobConfig)          // the same mqtt.* keys as the source
 *                 .setQos(1)
 *                 .setSerializer(new MqttSerializationSchema<Alert>() {
 *                     public String topic(Alert a) { return "alerts/" + a.site() + "/" + a.device(); }
 *                     public byte[] payload(Alert a) { return a.toJson().getBytes(UTF_8); }
 *                 })
 *                 .build();
 * alerts.sinkTo(sink).name("mqtt-alerts").uid("mqtt-alerts-sink");
 * }</pre>
 *
 * @param <T> the stream element type
 */
@PublicEvolving
public final class MqttSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final Configuration configuration;
    private final MqttSerializationSchema<T> serializer;

    MqttSink(Configuration configuration, MqttSerializationSchema<T> serializer) {
        this.configuration = configuration;
        this.serializer = serializer;
    }

    /** Starts building a sink for elements of type {@code T}. */
    public static <T> MqttSinkBuilder<T> builder() {
        return new MqttSinkBuilder<>();
    }

    /** A copy of the validated settings, with the client id prefix resolved. */
    public Configuration getConfiguration() {
        return new Configuration(configuration);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return MqttSinkWriter.connect(
                configuration,
                serializer,
                context.getTaskInfo().getIndexOfThisSubtask(),
                context.metricGroup());
    }
}
