package io.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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

    private final SensorMessageParser parser = SensorMessageParser.withDefaults();

    // ---- never throws, never drops

    @Property(tries = 1000)
    void neverThrowsOnRandomBytes(@ForAll("topics") String topic, @ForAll("bytes") byte[] payload) {
        assertWellFormed(new RawMessage(topic, payload, ARRIVAL));
    }

    @Property(tries = 1000)
    void neverThrowsOnJsonishText(@ForAll("jsonish") String payload) {
        assertWellFormed(RawMessage.of(TOPIC, payload, ARRIVAL));
    }

    @Property(tries = 1000)
    void neverThrowsOnMutatedValidPayloads(
            @ForAll("validPayloads") Payload valid, @ForAll("mutations") List<Mutation> mutations) {
        byte[] payload = valid.text().getBytes(StandardCharsets.UTF_8);
        for (Mutation mutation : mutations) {
            payload = mutation.apply(payload);
        }
        assertWellFormed(new RawMessage(TOPIC, payload, ARRIVAL));
    }

    @Property(tries = 500)
    void rejectsEveryTopicOutsideTheContract(
            @ForAll("topics") String topic, @ForAll("validPayloads") Payload valid) {
        ParseResult result = assertWellFormed(RawMessage.of(topic, valid.text(), ARRIVAL));

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
    }

    // ---- round trips

    @Property(tries = 1000)
    void validPayloadsRoundTripExactly(@ForAll("validPayloads") Payload valid) {
        ParseResult result = parser.parse(RawMessage.of(TOPIC, valid.text(), ARRIVAL));

        assertThat(result.deadLetters()).isEmpty();
        assertThat(result.readings()).containsExactlyElementsOf(valid.expected());
        assertThat(result.stampedOnArrival()).isEqualTo(valid.stampedOnArrival());
    }

    @Property(tries = 500)
    void batchKeepsGoodElementsAndDeadLettersEachBadOne(
            @ForAll("batchElements") List<Payload> elements) {
        Payload batch = asBatch(elements);

        ParseResult result = assertWellFormed(RawMessage.of(TOPIC, batch.text(), ARRIVAL));

        assertThat(result.readings()).containsExactlyElementsOf(batch.expected());
        List<String> badElements =
                elements.stream().filter(e -> e.expected().isEmpty()).map(Payload::text).toList();
        assertThat(result.deadLetters())
                .extracting(DeadLetter::payload)
                .containsExactlyElementsOf(badElements);
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
            assertThat(deadLetter.topic()).isEqualTo(message.topic());
            assertThat(deadLetter.arrivalTime()).isEqualTo(message.arrivalTime());
            assertThat(deadLetter.payload().getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(DeadLetter.MAX_PAYLOAD_BYTES);
        }
        assertThat(result.stampedOnArrival()).isBetween(0, result.readings().size());
        return result;
    }

    // ---- generators

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> level = Arbitraries.strings().withChars("sensor-ab+#").ofMaxLength(8);
        Arbitrary<String> builtFromLevels =
                level.list().ofMinSize(0).ofMaxSize(6).map(levels -> String.join("/", levels));
        Arbitrary<String> nearMisses =
                Arbitraries.of(
                        TOPIC,
                        "sensors/plant-a/mic-07/sound/",
                        "/sensors/plant-a/mic-07/sound",
                        "sensors/plant-a/mic-07",
                        "Sensors/plant-a/mic-07/sound",
                        "sensors//mic-07/sound",
                        "");
        Arbitrary<String> fromSensors =
                level.list().ofSize(3).map(levels -> "sensors/" + String.join("/", levels));
        return Arbitraries.oneOf(builtFromLevels, nearMisses, fromSensors);
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.of(
                        "{",
                        "}",
                        "[",
                        "]",
                        ",",
                        ":",
                        " ",
                        "\"value\"",
                        "\"ts\"",
                        "\"unit\"",
                        "\"v\"",
                        "\"t\"",
                        "\"n\"",
                        "\"bt\"",
                        "\"bv\"",
                        "\"bu\"",
                        "\"vs\"",
                        "\"s\"",
                        "1",
                        "-2.5",
                        "1764316800123",
                        "1e400",
                        "-0",
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "null",
                        "true",
                        "\"x\"",
                        "\"dB\"",
                        "\"2025-11-28T08:00:00Z\"",
                        "\"2025-11-28T08:00:00\"",
                        "\"\\u00e9\"")
                .list()
                .ofMaxSize(40)
                .map(tokens -> String.join("", tokens));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 400);
        Arbitrary<Mutation> flip =
                Combinators.combine(position, Arbitraries.integers().between(1, 255)).as(Flip::new);
        Arbitrary<Mutation> truncate = position.map(Truncate::new);
        Arbitrary<Byte> structural =
                Arbitraries.chars().with("{}[],:\"-.eE0N ").map(c -> (byte) c.charValue());
        Arbitrary<Mutation> insert =
                Combinators.combine(position, Arbitraries.oneOf(Arbitraries.bytes(), structural))
                        .as(Insert::new);
        return Arbitraries.oneOf(flip, truncate, insert).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Payload> validPayloads() {
        Arbitrary<Double> values =
                Arbitraries.oneOf(
                        Arbitraries.doubles(),
                        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite));
        Arbitrary<Long> times = Arbitraries.longs().between(0, ARRIVAL + MAX_SKEW);
        Arbitrary<Long> absoluteSenmlTimes =
                Arbitraries.longs().between(SENML_ABSOLUTE_MILLIS, ARRIVAL + MAX_SKEW);
        Arbitrary<String> units =
                Arbitraries.oneOf(
                        Arbitraries.just(null),
                        Arbitraries.of("dB", "dBA", "Cel", "%RH", "m/s", "µg/m³"),
                        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6));

        Arbitrary<Payload> epochObject =
                Combinators.combine(values, times, units)
                        .as(
                                (value, ts, unit) ->
                                        new Payload(
                                                readingJson(ts, value, unit),
                                                List.of(reading(ts, value, unit)),
                                                0));
        Arbitrary<Payload> isoObject =
                Combinators.combine(values, times, units)
                        .as(
                                (value, ts, unit) ->
                                        new Payload(
                                                readingJson(isoWithOffset(ts), value, unit),
                                                List.of(reading(ts, value, unit)),
                                                0));
        Arbitrary<Payload> withoutTs =
                Combinators.combine(values, units)
                        .as(
                                (value, unit) ->
                                        new Payload(
                                                readingJson(null, value, unit),
                                                List.of(reading(ARRIVAL, value, unit)),
                                                1));
        Arbitrary<Payload> bareNumber =
                values.map(
                        value ->
                                new Payload(
                                        Double.toString(value),
                                        List.of(reading(ARRIVAL, value, null)),
                                        1));
        Arbitrary<Payload> batch =
                Arbitraries.oneOf(epochObject, isoObject, withoutTs)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(5)
                        .map(SensorMessageParserPropertiesTest::asBatch);
        Arbitrary<Payload> senml =
                Combinators.combine(values, absoluteSenmlTimes, units)
                        .as(SensorMessageParserPropertiesTest::senmlRecord)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(5)
                        .map(SensorMessageParserPropertiesTest::asBatch);
        return Arbitraries.oneOf(epochObject, isoObject, withoutTs, bareNumber, batch, senml);
    }

    @Provide
    Arbitrary<List<Payload>> batchElements() {
        Arbitrary<Payload> bad =
                Arbitraries.of(
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
                                "null")
                        .map(text -> new Payload(text, List.of(), 0));
        return Arbitraries.oneOf(validBatchElements(), validBatchElements(), bad)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8)
                // Without one plain reading the array is judged as SenML or as all-bad.
                .filter(list -> list.stream().anyMatch(e -> !e.expected().isEmpty()));
    }

    private Arbitrary<Payload> validBatchElements() {
        return validPayloads().filter(p -> p.text().startsWith("{") && p.expected().size() == 1);
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

    /** A SenML record naming its own metric, time in exact decimal seconds. */
    private static Payload senmlRecord(double value, long ts, String unit) {
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

    private static Payload asBatch(List<Payload> elements) {
        return new Payload(
                elements.stream().map(Payload::text).collect(Collectors.joining(", ", "[", "]")),
                elements.stream().flatMap(p -> p.expected().stream()).toList(),
                elements.stream().mapToInt(Payload::stampedOnArrival).sum());
    }

    /** A valid payload and the readings it must parse into. */
    record Payload(String text, List<SensorReading> expected, int stampedOnArrival) {}

    /** A change to a payload's bytes. */
    interface Mutation {
        byte[] apply(byte[] payload);
    }

    record Flip(int position, int mask) implements Mutation {
        @Override
        public byte[] apply(byte[] payload) {
            if (payload.length == 0) {
                return payload;
            }
            byte[] copy = payload.clone();
            int i = position % copy.length;
            copy[i] = (byte) (copy[i] ^ mask);
            return copy;
        }
    }

    record Truncate(int length) implements Mutation {
        @Override
        public byte[] apply(byte[] payload) {
            return Arrays.copyOf(payload, Math.min(length, payload.length));
        }
    }

    record Insert(int position, byte inserted) implements Mutation {
        @Override
        public byte[] apply(byte[] payload) {
            int i = Math.min(position, payload.length);
            byte[] copy = new byte[payload.length + 1];
            System.arraycopy(payload, 0, copy, 0, i);
            copy[i] = inserted;
            System.arraycopy(payload, i, copy, i + 1, payload.length - i);
            return copy;
        }
    }
}
