package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.model.DeadLetter;
import io.vigil.model.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageEnvelopeTest {

    private static final long ARRIVAL = 1764316900000L;

    @ParameterizedTest
    @ValueSource(strings = {"sensors/plant-a/mic-07/sound", "sensors/a/b/c", "sensors/+/#/x"})
    void acceptsEveryTopicOfFourNonEmptyLevelsUnderSensors(String topic) {
        assertThat(MessageEnvelope.checkTopic(topic)).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
                    sensors/a/b         | has 3 levels
                    sensors/a/b/c/d     | has 5 levels
                    Sensors/a/b/c       | does not start with 'sensors'
                    sensors//b/c        | has an empty site level
                    sensors/a//c        | has an empty device level
                    sensors/a/b/        | has an empty metric level
                    """)
    void namesWhatIsWrongWithATopic(String topic, String problem) {
        assertThat(MessageEnvelope.checkTopic(topic))
                .isEqualTo(
                        "topic '%s' %s, expected sensors/{site}/{device}/{metric}", topic, problem);
    }

    @Test
    void stripsAByteOrderMarkAndRejectsInvalidUtf8() {
        byte[] withBom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '4', '2'};
        byte[] truncated = {'4', (byte) 0xE2, (byte) 0x82};

        assertThat(MessageEnvelope.decodeUtf8(withBom)).isEqualTo("42");
        assertThat(MessageEnvelope.decodeUtf8("µg/m³".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("µg/m³");
        assertThat(MessageEnvelope.decodeUtf8(truncated)).isNull();
    }

    @Test
    void checksTheSizeBeforeTheTopicAndTheTopicBeforeTheEncoding() {
        byte[] invalidUtf8 = {(byte) 0xFF, (byte) 0xFF};

        assertThat(deadLettersOf(new RawMessage("no-topic", invalidUtf8, ARRIVAL), 1))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(tuple("too-large", "payload is 2 bytes, the limit is 1 bytes"));
        assertThat(deadLettersOf(new RawMessage("no-topic", invalidUtf8, ARRIVAL), 2))
                .extracting(DeadLetter::reason)
                .containsExactly("bad-topic");
        assertThat(deadLettersOf(new RawMessage("sensors/a/b/c", invalidUtf8, ARRIVAL), 2))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        tuple("malformed-json", "payload is not valid UTF-8 (at byte 0 of 2)"));
    }

    @Test
    void opensAGoodMessageWithoutADeadLetter() {
        RawMessage message = RawMessage.of("sensors/a/b/c", "{\"value\": 1}", ARRIVAL);
        MessageResults results = new MessageResults(message, 0);

        assertThat(MessageEnvelope.open(message, 100, results)).isEqualTo("{\"value\": 1}");
        assertThat(results.build().deadLetters()).isEmpty();
    }

    private static List<DeadLetter> deadLettersOf(RawMessage message, long maxPayloadBytes) {
        MessageResults results = new MessageResults(message, 0);
        assertThat(MessageEnvelope.open(message, maxPayloadBytes, results)).isNull();
        return results.build().deadLetters();
    }
}
