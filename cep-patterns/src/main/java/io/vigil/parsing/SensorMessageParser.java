package io.vigil.parsing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Turns MQTT messages on {@code sensors/{site}/{device}/{metric}} into sensor readings, and
 * everything it cannot read into dead letters; it never throws.
 *
 * <p>Payload forms (UTF-8 JSON): one reading {@code {"ts": 1764316800123, "value": 87.5, "unit":
 * "dB"}} ({@code ts} epoch milliseconds or an ISO-8601 date-time with offset; without {@code ts}
 * the reading is stamped with the arrival time); an array of such readings, each judged on its own;
 * a SenML (RFC 8428) pack; a bare number, stamped with the arrival time.
 *
 * <p>This class only chooses the reader: {@link MessageEnvelope} checks size, topic and encoding,
 * {@link JsonPayloads} decodes the JSON, {@link PlainReadings} and {@link SenmlPacks} read the
 * payload forms, {@link Timestamps} reads and bounds the times. The readers are static and the
 * message's results are one {@link MessageResults}, so a message costs no reader objects.
 *
 * <pre>{@code
 * SensorMessageParser parser = SensorMessageParser.builder()
 *         .setMaxPayloadBytes(64 * 1024)
 *         .setMaxFutureSkew(Duration.ofMinutes(10))
 *         .build();
 * ParseResult result = parser.parse(RawMessage.of("sensors/plant-a/mic-07/sound", "87.5", now));
 * }</pre>
 */
public final class SensorMessageParser implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The dead-letter reasons this parser produces. */
    public static final Set<DeadLetterReason> REASONS =
            Set.copyOf(
                    EnumSet.complementOf(
                            EnumSet.of(DeadLetterReason.LATE, DeadLetterReason.REJECTED_BY_SINK)));

    private final long maxPayloadBytes;
    private final long maxFutureSkewMillis;

    SensorMessageParser(long maxPayloadBytes, Duration maxFutureSkew) {
        this.maxPayloadBytes = maxPayloadBytes;
        this.maxFutureSkewMillis =
                maxFutureSkew.compareTo(Duration.ofMillis(Long.MAX_VALUE)) >= 0
                        ? Long.MAX_VALUE
                        : maxFutureSkew.toMillis();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A parser with the defaults of {@link ParserOptions}. */
    public static SensorMessageParser withDefaults() {
        return builder().build();
    }

    public long maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public Duration maxFutureSkew() {
        return Duration.ofMillis(maxFutureSkewMillis);
    }

    /**
     * Parses one message into readings and dead letters; every message yields at least one of them.
     */
    public ParseResult parse(RawMessage message) {
        if (message == null) {
            return ParseResult.of(
                    DeadLetter.of(DeadLetterReason.EMPTY.code(), "", null, 0L, "no message"));
        }
        try {
            return parseMessage(message);
        } catch (RuntimeException e) {
            // Last line of defence: a bad payload must never fail the job, whatever slipped
            // through the readers' checks.
            return ParseResult.of(
                    DeadLetter.of(
                            DeadLetterReason.MALFORMED_JSON.code(),
                            message.topic(),
                            message.payload(),
                            message.arrivalTime(),
                            "payload could not be parsed: " + e));
        }
    }

    private ParseResult parseMessage(RawMessage message) {
        MessageResults results = new MessageResults(message, maxFutureSkewMillis);
        String text = MessageEnvelope.open(message, maxPayloadBytes, results);
        if (text == null) {
            return results.build();
        }
        byte[] payload = message.payload();
        JsonNode root = JsonPayloads.read(text, payload, results);
        if (root == null) {
            return results.build();
        }
        if (root.isNumber()) {
            PlainReadings.bareNumber(root, payload, results);
        } else if (root.isObject()) {
            if (SenmlPacks.isRecord(root)) {
                SenmlPacks.read(List.of(root), List.of(payload), payload, results);
            } else {
                PlainReadings.reading(root, payload, "", results);
            }
        } else if (root.isArray()) {
            readArray(root, text, payload, results);
        } else if (root.isNull()) {
            results.dead(
                    DeadLetterReason.MISSING_VALUE,
                    payload,
                    "payload is null, expected a number, an object or an array");
        } else {
            results.dead(
                    DeadLetterReason.NON_NUMERIC_VALUE,
                    payload,
                    String.format(
                            "payload is %s, expected a number, an object or an array",
                            JsonFields.describe(root)));
        }
        return results.build();
    }

    /** An array is read as SenML or as plain readings as a whole, by {@link SenmlPacks#isPack}. */
    private static void readArray(
            JsonNode array, String text, byte[] payload, MessageResults results) {
        if (array.isEmpty()) {
            results.dead(DeadLetterReason.EMPTY, payload, "payload is an empty array");
            return;
        }
        List<JsonNode> elements = new ArrayList<>(array.size());
        array.elements().forEachRemaining(elements::add);
        List<byte[]> slices = JsonPayloads.elementSlices(text);
        if (SenmlPacks.isPack(elements)) {
            SenmlPacks.read(elements, slices, payload, results);
        } else {
            PlainReadings.array(elements, slices, results);
        }
    }

    /**
     * Builds a {@link SensorMessageParser}; every setting has the default of {@link ParserOptions}.
     */
    public static final class Builder {
        private long maxPayloadBytes = ParserOptions.MAX_PAYLOAD_SIZE.defaultValue().getBytes();
        private Duration maxFutureSkew = ParserOptions.MAX_FUTURE_SKEW.defaultValue();

        private Builder() {}

        /** Payloads larger than this become dead letters with reason too-large. */
        public Builder setMaxPayloadBytes(long maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * Readings more than this after their arrival time become future-timestamp dead letters.
         */
        public Builder setMaxFutureSkew(Duration maxFutureSkew) {
            this.maxFutureSkew = maxFutureSkew;
            return this;
        }

        /** Takes the settings of {@link ParserOptions} from a Flink configuration. */
        public Builder setConfig(ReadableConfig config) {
            this.maxPayloadBytes = config.get(ParserOptions.MAX_PAYLOAD_SIZE).getBytes();
            this.maxFutureSkew = config.get(ParserOptions.MAX_FUTURE_SKEW);
            return this;
        }

        public SensorMessageParser build() {
            if (maxPayloadBytes <= 0) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s must be positive, was %d bytes",
                                ParserOptions.MAX_PAYLOAD_SIZE.key(), maxPayloadBytes));
            }
            if (maxFutureSkew == null || maxFutureSkew.isNegative()) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s must be zero or positive, was %s",
                                ParserOptions.MAX_FUTURE_SKEW.key(), maxFutureSkew));
            }
            return new SensorMessageParser(maxPayloadBytes, maxFutureSkew);
        }
    }
}
