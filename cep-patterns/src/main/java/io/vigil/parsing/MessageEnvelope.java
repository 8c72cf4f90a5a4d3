package io.vigil.parsing;

import static io.vigil.parsing.JsonFields.quote;

import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Checks what every message must pass before its payload is read, in this order: size, topic,
 * emptiness, strict UTF-8.
 */
final class MessageEnvelope {

    private static final String EXPECTED_TOPIC = "expected sensors/{site}/{device}/{metric}";

    private MessageEnvelope() {}

    /**
     * The payload as text, or null after adding the dead letter that says why the message cannot be
     * read; the size is checked first so that an oversized payload is never decoded.
     */
    static String open(RawMessage message, long maxPayloadBytes, MessageResults results) {
        byte[] payload = message.payload();
        if (payload != null && payload.length > maxPayloadBytes) {
            results.dead(
                    DeadLetterReason.TOO_LARGE,
                    payload,
                    String.format(
                            "payload is %d bytes, the limit is %d bytes",
                            payload.length, maxPayloadBytes));
            return null;
        }
        String topicProblem = checkTopic(message.topic());
        if (topicProblem != null) {
            results.dead(DeadLetterReason.BAD_TOPIC, payload, topicProblem);
            return null;
        }
        if (payload == null || payload.length == 0) {
            results.dead(DeadLetterReason.EMPTY, payload, "payload is empty");
            return null;
        }
        String text = decodeUtf8(payload);
        if (text == null) {
            results.dead(
                    DeadLetterReason.MALFORMED_JSON,
                    payload,
                    String.format(
                            "payload is not valid UTF-8 (at byte %d of %d)",
                            invalidUtf8Position(payload), payload.length));
        }
        return text;
    }

    /** Null when the topic is {@code sensors/{site}/{device}/{metric}}, else what is wrong. */
    static String checkTopic(String topic) {
        if (topic == null) {
            return "message has no topic";
        }
        String[] levels = topic.split("/", -1);
        if (levels.length != 4) {
            return String.format(
                    "topic '%s' has %d levels, %s", quote(topic), levels.length, EXPECTED_TOPIC);
        }
        if (!"sensors".equals(levels[0])) {
            return String.format(
                    "topic '%s' does not start with 'sensors', %s", quote(topic), EXPECTED_TOPIC);
        }
        for (int i = 1; i < levels.length; i++) {
            if (levels[i].isEmpty()) {
                return String.format(
                        "topic '%s' has an empty %s level, %s",
                        quote(topic),
                        i == 1 ? "site" : i == 2 ? "device" : "metric",
                        EXPECTED_TOPIC);
            }
        }
        return null;
    }

    /**
     * The payload as text, or null when it is not strictly UTF-8; decoded here rather than by
     * Jackson, which would also accept UTF-16 and UTF-32 and pass some invalid bytes through.
     */
    static String decodeUtf8(byte[] payload) {
        CharBuffer chars = CharBuffer.allocate(payload.length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        if (decoder.decode(ByteBuffer.wrap(payload), chars, true).isError()
                || decoder.flush(chars).isError()) {
            return null;
        }
        chars.flip();
        // RFC 8259 lets parsers ignore a byte order mark; Jackson's text parser does not.
        if (chars.hasRemaining() && chars.get(0) == '\uFEFF') {
            chars.position(1);
        }
        return chars.toString();
    }

    private static int invalidUtf8Position(byte[] payload) {
        ByteBuffer bytes = ByteBuffer.wrap(payload);
        StandardCharsets.UTF_8
                .newDecoder()
                .decode(bytes, CharBuffer.allocate(payload.length), true);
        return bytes.position();
    }
}
