package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.model.DeadLetter;
import io.vigil.model.RawMessage;
import io.vigil.parsing.ParseResult;
import io.vigil.parsing.SensorMessageParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class KafkaRawMessagesTest {

    private static final String TOPIC = "sensors/site-a/dev-1/temperature";
    private static final String PAYLOAD = "{\"ts\": 1764316800123, \"value\": 21.5}";
    private static final long BRIDGE_TIME = 1764316800500L;

    @Test
    void takesTheTopicFromTheKeyThePayloadFromTheValueAndTheTimeFromTheRecord() throws Exception {
        RawMessage message =
                only(KafkaRawMessages.forSetting("key"), record(bytes(TOPIC), new RecordHeaders()));

        assertThat(message.topic()).isEqualTo(TOPIC);
        assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo(PAYLOAD);
        assertThat(message.arrivalTime()).isEqualTo(BRIDGE_TIME);
    }

    @Test
    void takesTheTopicFromTheLastHeaderOfTheNameWhenAsked() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add("mqtt_topic", bytes("sensors/old/value/ignored"));
        headers.add("mqtt_topic", bytes(TOPIC));
        headers.add("other", bytes("sensors/x/y/z"));

        RawMessage message =
                only(KafkaRawMessages.forSetting("header:mqtt_topic"), record(bytes("k"), headers));

        assertThat(message.topic()).isEqualTo(TOPIC);
    }

    @Test
    void aRecordWithoutTheTopicBecomesABadTopicDeadLetterNotACrashOrADrop() throws Exception {
        for (KafkaRawMessages schema :
                List.of(
                        KafkaRawMessages.topicFromKey(),
                        KafkaRawMessages.topicFromHeader("mqtt_topic"))) {
            RawMessage message = only(schema, record(null, new RecordHeaders()));

            ParseResult parsed = SensorMessageParser.withDefaults().parse(message);

            assertThat(parsed.readings()).isEmpty();
            assertThat(parsed.deadLetters())
                    .singleElement()
                    .satisfies(
                            dead -> {
                                assertThat(dead.reason()).isEqualTo("bad-topic");
                                assertThat(dead.detail()).isEqualTo("message has no topic");
                                assertThat(dead.payload()).isEqualTo(PAYLOAD);
                                assertThat(dead.arrivalTime()).isEqualTo(BRIDGE_TIME);
                            });
        }
    }

    @Test
    void aKeyThatIsNoSensorTopicBecomesTheParsersBadTopicDeadLetter() throws Exception {
        RawMessage message =
                only(
                        KafkaRawMessages.topicFromKey(),
                        record(bytes("device-17"), new RecordHeaders()));

        List<DeadLetter> dead = SensorMessageParser.withDefaults().parse(message).deadLetters();

        assertThat(dead).extracting(DeadLetter::reason).containsExactly("bad-topic");
        assertThat(dead).extracting(DeadLetter::topic).containsExactly("device-17");
    }

    @Test
    void otherTopicSettingsAreRefusedNamingTheKey() {
        for (String setting : List.of("value", "header:", "Key", "")) {
            assertThatThrownBy(() -> KafkaRawMessages.forSetting(setting))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("kafka.topic-from");
        }
    }

    private static RawMessage only(KafkaRawMessages schema, ConsumerRecord<byte[], byte[]> record)
            throws Exception {
        List<RawMessage> out = new ArrayList<>();
        schema.deserialize(
                record,
                new Collector<>() {
                    @Override
                    public void collect(RawMessage message) {
                        out.add(message);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, RecordHeaders headers) {
        return new ConsumerRecord<>(
                "mqtt-sensors",
                0,
                42L,
                BRIDGE_TIME,
                TimestampType.CREATE_TIME,
                key == null ? -1 : key.length,
                PAYLOAD.length(),
                key,
                bytes(PAYLOAD),
                headers,
                Optional.empty());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
