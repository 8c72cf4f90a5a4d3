package io.vigil.job;

import io.vigil.model.RawMessage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a record that an MQTT-to-Kafka bridge wrote back into the MQTT message it came from: the
 * MQTT topic from the record key or a header, the value as the payload, the record timestamp (the
 * bridge's, or the log-append time) as the arrival time.
 *
 * <p>Every record becomes exactly one {@link RawMessage}, so the parser decides about it as about
 * an MQTT message. A record without the topic (no key, no such header) becomes a message without a
 * topic, which the parser turns into a {@code bad-topic} dead letter ("message has no topic"); such
 * records are also counted in the metric {@code kafkaRecordsWithoutTopic}.
 */
public class KafkaRawMessages implements KafkaRecordDeserializationSchema<RawMessage> {

    private static final long serialVersionUID = 1L;

    private static final String HEADER_PREFIX = "header:";

    /** The header that holds the topic; null: the record key holds it. */
    private final String header;

    private transient Counter withoutTopic;

    private KafkaRawMessages(String header) {
        this.header = header;
    }

    /** The topic in the record key. */
    public static KafkaRawMessages topicFromKey() {
        return new KafkaRawMessages(null);
    }

    /** The topic in the last header named {@code name}. */
    public static KafkaRawMessages topicFromHeader(String name) {
        return new KafkaRawMessages(name);
    }

    /**
     * The schema for a {@code kafka.topic-from} value: {@code key} or {@code header:NAME}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static KafkaRawMessages forSetting(String topicFrom) {
        if ("key".equals(topicFrom)) {
            return topicFromKey();
        }
        if (topicFrom != null
                && topicFrom.startsWith(HEADER_PREFIX)
                && topicFrom.length() > HEADER_PREFIX.length()) {
            return topicFromHeader(topicFrom.substring(HEADER_PREFIX.length()));
        }
        throw new IllegalArgumentException(
                String.format(
                        "'%s' must be key or header:NAME, got '%s'",
                        KafkaInputOptions.TOPIC_FROM.key(), topicFrom));
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        withoutTopic = context.getMetricGroup().counter("kafkaRecordsWithoutTopic");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawMessage> out) {
        byte[] topic = header == null ? record.key() : headerValue(record);
        if (topic == null && withoutTopic != null) {
            withoutTopic.inc();
        }
        out.collect(
                new RawMessage(
                        topic == null ? null : new String(topic, StandardCharsets.UTF_8),
                        record.value(),
                        // Records of the pre-0.10 message format carry no timestamp (-1).
                        record.timestamp() >= 0 ? record.timestamp() : System.currentTimeMillis()));
    }

    private byte[] headerValue(ConsumerRecord<byte[], byte[]> record) {
        Header last = record.headers().lastHeader(header);
        return last == null ? null : last.value();
    }

    @Override
    public TypeInformation<RawMessage> getProducedType() {
        return TypeInformation.of(RawMessage.class);
    }
}
