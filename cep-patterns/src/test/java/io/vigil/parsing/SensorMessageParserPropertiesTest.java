package io.vigil.parsing;

import static io.vigil.parsing.PropertyChecks.forAll;
import static io.vigil.parsing.RandomPayloads.finiteDouble;
import static io.vigil.parsing.RandomPayloads.listOf;
import static io.vigil.parsing.RandomPayloads.longBetween;
import static io.vigil.parsing.RandomPayloads.oneOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Properties of {@link SensorMessageParser} over generated and mutated input. */
class SensorMessageParserPropertiesTest {

    private static final String TOPIC = "sensors/plant-a/mic-07/sound";
    private static final long ARRIVAL = 1764316900000L;
    private static final long MAX_SKEW = 10 * 60 * 1000L;

    /** SenML times at or above 2^28 s are absolute. */
    private static final long SENML_ABSOLUTE_MILLIS = (1L << 28) * 1000;

    private static final Set<String> REASON_CODES =
            SensorMessageParser.REASONS.stream()
                    .map(DeadLetterReason::code)
                    .collect(Collectors.toSet());

    private static final List<String> NEAR_MISS_TOPICS =
            List.of(
                    TOPIC,
                    "sensors/plant-a/mic-07/sound/",
                    "/sensors/plant-a/mic-07/sound",
                    "sensors/plant-a/mic-07",
                    "Sensors/plant-a/mic-07/sound",
                    "sensors//mic-07/sound",
                    "");

    private static final List<String> KNOWN_UNITS =
            List.of("dB", "dBA", "Cel", "%RH", "m/s", "µg/m³");

    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** Array elements that each must become one dead letter. */
    private static final List<String> BAD_ELEMENTS =
            List.of(
                    "{\"ts\": 1764316800000, \"value\": \"87.5\"}",
                    "{\"ts\": 1764316800000}",
                    "{\"value\": NaN}",
                    "{\"value\": -Infinity, \"unit\": \"dB\"}",
                    "{\"ts\": \"soon\", \"value\": 1}",
                    "{\"ts\": -5, \"value\": 1}",
                    "{\"ts\": 9999999999999, \"value\": 1}",
                    "{\"value\": 1, \"unit\": false}",
                    "42",
                    "\"x\"",
                    "[1]",
                    "null");

    private final SensorMessageParser parser = SensorMessageParser.withDefaults();

    // ---- never throws, never drops

    @Test
    void neverThrowsOnRandomBytes() {
        forAll(
                2000,
                random -> new TopicAndBytes(topic(random), RandomPayloads.bytes(random, 300)),
                input -> assertWellFormed(new RawMessage(input.topic(), input.payload(), ARRIVAL)));
    }

    @Test
    void neverThrowsOnJsonishText() {
        forAll(
                2000,
                random -> RandomPayloads.tokens(random, FuzzPayloads.JSON_TOKENS, 40),
                payload -> assertWellFormed(RawMessage.of(TOPIC, payload, ARRIVAL)));
    }

    @Test
    void neverThrowsOnMutatedValidPayloads() {
        forAll(
                2000,
                random ->
                        RandomPayloads.mutate(
                                random,
                                validPayload(random).text().getBytes(StandardCharsets.UTF_8),
                                4,
                                FuzzPayloads.STRUCTURAL),
                mutated -> assertWellFormed(new RawMessage(TOPIC, mutated.result(), ARRIVAL)));
    }

    @Test
    void rejectsEveryTopicOutsideTheContract() {
        forAll(
                1000,
                random -> new TopicAndPayload(topic(random), validPayload(random)),
                input -> {
                    String topic = input.topic();
                    Payload valid = input.valid();
                    ParseResult result =
                            assertWellFormed(RawMessage.of(topic, valid.text(), ARRIVAL));

                    String[] levels = topic.split("/", -1);
                    boolean matches =
                            levels.length == 4
                                    && levels[0].equals("sensors")
                                    && !levels[1].isEmpty()
                                    && !levels[2].isEmpty()
                                    && !levels[3].isEmpty();
                    if (matches) {
                        assertThat(result.readings()).hasSameSizeAs(valid.expected());
                    } else {
                        assertThat(result.readings()).isEmpty();
                        assertThat(result.deadLetters())
                                .extracting(DeadLetter::reason)
                                .containsExactly("bad-topic");
                    }
                });
    }

    // ---- round trips

    @Test
    void validPayloadsRoundTripExactly() {
        forAll(
                2000,
                SensorMessageParserPropertiesTest::validPayload,
                valid -> {
                    ParseResult result = parser.parse(RawMessage.of(TOPIC, valid.text(), ARRIVAL));

                    assertThat(result.deadLetters()).isEmpty();
                    assertThat(result.readings()).containsExactlyElementsOf(valid.expected());
                    assertThat(result.stampedOnArrival()).isEqualTo(valid.stampedOnArrival());
                });
    }

    @Test
    void batchKeepsGoodElementsAndDeadLettersEachBadOne() {
        forAll(
                1000,
                SensorMessageParserPropertiesTest::batchElements,
                elements -> {
                    Payload batch = asBatch(elements);

                    ParseResult result =
                            assertWellFormed(RawMessage.of(TOPIC, batch.text(), ARRIVAL));

                    assertThat(result.readings()).containsExactlyElementsOf(batch.expected());
                    List<String> badElements =
                            elements.stream()
                                    .filter(e -> e.expected().isEmpty())
                                    .map(Payload::text)
                                    .toList();
                    assertThat(result.deadLetters())
                            .extracting(DeadLetter::payload)
                            .containsExactlyElementsOf(badElements);
                });
    }

    // ---- invariants

    private ParseResult assertWellFormed(RawMessage message) {
        ParseResult result = parser.parse(message);

        assertThat(result.readings().size() + result.deadLetters().size())
                .as("every message ends as at least one reading or dead letter")
                .isPositive();
        for (SensorReading reading : result.readings()) {
            assertThat(Double.isFinite(reading.value())).as("finite value %s", reading).isTrue();
            assertThat(reading.timestamp()).isBetween(0L, message.arrivalTime() + MAX_SKEW);
            assertThat(message.topic())
                    .startsWith("sensors/" + reading.site() + "/" + reading.device() + "/");
            assertThat(reading.metric()).isNotEmpty();
        }
        for (DeadLetter deadLetter : result.deadLetters()) {
            assertThat(deadLetter.reason()).isIn(REASON_CODES);
            assertThat(deadLetter.detail()).isNotBlank();
            // parse() turns any exception into a dead letter; reaching that fallback is a bug.
            assertThat(deadLetter.detail()).doesNotStartWith("payload could not be parsed");
            assertThat(deadLetter.topic()).isEqualTo(message.topic());
            assertThat(deadLetter.arrivalTime()).isEqualTo(message.arrivalTime());
            assertThat(deadLetter.payload().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(DeadLetter.MAX_PAYLOAD_BYTES);
        }
        assertThat(result.stampedOnArrival()).isBetween(0, result.readings().size());
        return result;
    }

    // ---- generators

    /** Topics built from topic-ish characters, near misses of the contract, and under sensors/. */
    private static String topic(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 ->
                    String.join(
                            "/", listOf(random, 0, 6, SensorMessageParserPropertiesTest::level));
            case 1 -> oneOf(random, NEAR_MISS_TOPICS);
            default ->
                    "sensors/"
                            + String.join(
                                    "/",
                                    listOf(random, 3, 3, SensorMessageParserPropertiesTest::level));
        };
    }

    private static String level(SplittableRandom random) {
        return RandomPayloads.string(random, "sensor-ab+#", 0, 8);
    }

    /** Every payload form the parser accepts, with the readings it must give. */
    private static Payload validPayload(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> epochObject(random);
            case 1 -> isoObject(random);
            case 2 -> withoutTs(random);
            case 3 -> bareNumber(random);
            case 4 -> asBatch(listOf(random, 1, 5, SensorMessageParserPropertiesTest::plainObject));
            default ->
                    asBatch(listOf(random, 1, 5, SensorMessageParserPropertiesTest::senmlRecord));
        };
    }

    /** One plain reading object, as it may also stand in an array. */
    private static Payload plainObject(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> epochObject(random);
            case 1 -> isoObject(random);
            default -> withoutTs(random);
        };
    }

    private static Payload epochObject(SplittableRandom random) {
        double value = finiteDouble(random);
        long ts = time(random);
        String unit = unit(random);
        return new Payload(readingJson(ts, value, unit), List.of(reading(ts, value, unit)), 0);
    }

    private static Payload isoObject(SplittableRandom random) {
        double value = finiteDouble(random);
        long ts = time(random);
        String unit = unit(random);
        return new Payload(
                readingJson(isoWithOffset(ts), value, unit), List.of(reading(ts, value, unit)), 0);
    }

    private static Payload withoutTs(SplittableRandom random) {
        double value = finiteDouble(random);
        String unit = unit(random);
        return new Payload(
                readingJson(null, value, unit), List.of(reading(ARRIVAL, value, unit)), 1);
    }

    private static Payload bareNumber(SplittableRandom random) {
        double value = finiteDouble(random);
        return new Payload(Double.toString(value), List.of(reading(ARRIVAL, value, null)), 1);
    }

    /** A SenML record naming its own metric, time in exact decimal seconds. */
    private static Payload senmlRecord(SplittableRandom random) {
        double value = finiteDouble(random);
        long ts = longBetween(random, SENML_ABSOLUTE_MILLIS, ARRIVAL + MAX_SKEW);
        String unit = unit(random);
        String seconds = BigDecimal.valueOf(ts, 3).toPlainString();
        String json =
                "{\"n\": \"level\", \"t\": "
                        + seconds
                        + ", \"v\": "
                        + value
                        + (unit == null ? "" : ", \"u\": \"" + unit + "\"")
                        + "}";
        return new Payload(
                json, List.of(new SensorReading("plant-a", "mic-07", "level", ts, value, unit)), 0);
    }

    private static long time(SplittableRandom random) {
        return longBetween(random, 0, ARRIVAL + MAX_SKEW);
    }

    /** No unit, a real one, or a made-up one. */
    private static String unit(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> oneOf(random, KNOWN_UNITS);
            default -> RandomPayloads.string(random, ALPHA, 1, 6);
        };
    }

    /** An array's elements, good and bad, at least one of them a plain reading. */
    private static List<Payload> batchElements(SplittableRandom random) {
        List<Payload> elements;
        do {
            elements =
                    listOf(
                            random,
                            1,
                            8,
                            r ->
                                    r.nextInt(3) < 2
                                            ? plainObject(r)
                                            : new Payload(oneOf(r, BAD_ELEMENTS), List.of(), 0));
            // Without one plain reading the array is judged as SenML or as all-bad.
        } while (elements.stream().allMatch(e -> e.expected().isEmpty()));
        return elements;
    }

    private static SensorReading reading(long ts, double value, String unit) {
        return new SensorReading("plant-a", "mic-07", "sound", ts, value, unit);
    }

    private static String readingJson(Object ts, double value, String unit) {
        StringBuilder json = new StringBuilder("{");
        if (ts instanceof String text) {
            json.append("\"ts\": \"").append(text).append("\", ");
        } else if (ts != null) {
            json.append("\"ts\": ").append(ts).append(", ");
        }
        json.append("\"value\": ").append(value);
        if (unit != null) {
            json.append(", \"unit\": \"").append(unit).append('"');
        }
        return json.append('}').toString();
    }

    /** The time as ISO-8601 in a zone offset that varies with the time itself. */
    private static String isoWithOffset(long ts) {
        int offsetMinutes = (int) Math.floorMod(ts, 24 * 60 + 1) - 12 * 60;
        return Instant.ofEpochMilli(ts)
                .atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60))
                .toString();
    }

    private static Payload asBatch(List<Payload> elements) {
        return new Payload(
                elements.stream().map(Payload::text).collect(Collectors.joining(", ", "[", "]")),
                elements.stream().flatMap(p -> p.expected().stream()).toList(),
                elements.stream().mapToInt(Payload::stampedOnArrival).sum());
    }

    /** A valid payload and the readings it must parse into. */
    record Payload(String text, List<SensorReading> expected, int stampedOnArrival) {}

    record TopicAndPayload(String topic, Payload valid) {}

    record TopicAndBytes(String topic, byte[] payload) {
        @Override
        public String toString() {
            return String.format("topic '%s', payload %s", topic, RandomPayloads.describe(payload));
        }
    }
}
