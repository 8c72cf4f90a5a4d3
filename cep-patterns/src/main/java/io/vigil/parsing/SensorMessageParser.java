package io.vigil.parsing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
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

    /**
     * A reading is at most two levels deep (array of objects); a much lower bound than Jackson's
     * default keeps hostile payloads cheap while leaving room for nested metadata fields.
     */
    static final int MAX_NESTING_DEPTH = 64;

    /** SenML times below 2^28 seconds are relative to the current (arrival) time, RFC 8428. */
    private static final BigDecimal SENML_RELATIVE_LIMIT = BigDecimal.valueOf(1L << 28);

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private static final Set<String> SENML_KEYS =
            Set.of(
                    "bn", "bt", "bu", "bv", "bs", "bver", "n", "u", "v", "vs", "vb", "vd", "s", "t",
                    "ut");

    private static final int MAX_QUOTED_CHARS = 64;

    /** Thread-safe once built; static, so it is not part of the serialized parser. */
    private static final ObjectMapper MAPPER =
            JsonMapper.builder(
                            JsonFactory.builder()
                                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                    .streamReadConstraints(
                                            StreamReadConstraints.builder()
                                                    .maxNestingDepth(MAX_NESTING_DEPTH)
                                                    .build())
                                    .build())
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

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
            // through the checks above.
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
        Results results = new Results(message);
        byte[] payload = message.payload();
        if (payload != null && payload.length > maxPayloadBytes) {
            results.dead(
                    DeadLetterReason.TOO_LARGE,
                    payload,
                    String.format(
                            "payload is %d bytes, the limit is %d bytes",
                            payload.length, maxPayloadBytes));
            return results.build();
        }
        String topicProblem = checkTopic(message.topic());
        if (topicProblem != null) {
            results.dead(DeadLetterReason.BAD_TOPIC, payload, topicProblem);
            return results.build();
        }
        if (payload == null || payload.length == 0) {
            results.dead(DeadLetterReason.EMPTY, payload, "payload is empty");
            return results.build();
        }
        String text = decodeUtf8(payload);
        if (text == null) {
            results.dead(
                    DeadLetterReason.MALFORMED_JSON,
                    payload,
                    String.format(
                            "payload is not valid UTF-8 (at byte %d of %d)",
                            invalidUtf8Position(payload), payload.length));
            return results.build();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            results.dead(
                    DeadLetterReason.MALFORMED_JSON,
                    payload,
                    "payload exceeds the JSON limits: " + e.getOriginalMessage());
            return results.build();
        } catch (JsonProcessingException e) {
            results.dead(DeadLetterReason.MALFORMED_JSON, payload, describeJsonError(e));
            return results.build();
        }
        if (root == null || root.isMissingNode()) {
            results.dead(DeadLetterReason.EMPTY, payload, "payload is blank");
        } else if (root.isNumber()) {
            results.bareNumber(root, payload);
        } else if (root.isObject()) {
            if (isSenmlRecord(root)) {
                results.senmlPack(List.of(root), List.of(payload), payload);
            } else {
                results.reading(root, payload, "");
            }
        } else if (root.isArray()) {
            parseArray(root, text, payload, results);
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
                            describe(root)));
        }
        return results.build();
    }

    private static void parseArray(JsonNode array, String text, byte[] payload, Results results) {
        if (array.isEmpty()) {
            results.dead(DeadLetterReason.EMPTY, payload, "payload is an empty array");
            return;
        }
        List<JsonNode> elements = new ArrayList<>(array.size());
        array.elements().forEachRemaining(elements::add);
        List<byte[]> slices = elementSlices(text);
        if (isSenmlPack(elements)) {
            results.senmlPack(elements, slices, payload);
            return;
        }
        for (int i = 0; i < elements.size(); i++) {
            JsonNode element = elements.get(i);
            byte[] elementPayload = slices.get(i);
            if (element.isObject()) {
                results.reading(element, elementPayload, String.format("element %d: ", i));
            } else {
                results.dead(
                        DeadLetterReason.MALFORMED_JSON,
                        elementPayload,
                        String.format(
                                "element %d is %s, expected an object", i, describe(element)));
            }
        }
    }

    /** Null when the topic is {@code sensors/{site}/{device}/{metric}}, else what is wrong. */
    private static String checkTopic(String topic) {
        if (topic == null) {
            return "message has no topic";
        }
        String[] levels = topic.split("/", -1);
        String expected = "expected sensors/{site}/{device}/{metric}";
        if (levels.length != 4) {
            return String.format(
                    "topic '%s' has %d levels, %s", quote(topic), levels.length, expected);
        }
        if (!"sensors".equals(levels[0])) {
            return String.format(
                    "topic '%s' does not start with 'sensors', %s", quote(topic), expected);
        }
        for (int i = 1; i < levels.length; i++) {
            if (levels[i].isEmpty()) {
                return String.format(
                        "topic '%s' has an empty %s level, %s",
                        quote(topic), i == 1 ? "site" : i == 2 ? "device" : "metric", expected);
            }
        }
        return null;
    }

    /** A single object read as SenML: it has SenML fields and none of the plain reading's. */
    private static boolean isSenmlRecord(JsonNode object) {
        if (object.has("value") || object.has("ts")) {
            return false;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            if (SENML_KEYS.contains(names.next())) {
                return true;
            }
        }
        return false;
    }

    /**
     * An array is SenML when some record has SenML fields and no record has the plain reading's;
     * judged on the whole pack because SenML base fields carry from record to record.
     */
    private static boolean isSenmlPack(List<JsonNode> elements) {
        boolean senml = false;
        for (JsonNode element : elements) {
            if (element.isObject()) {
                if (element.has("value") || element.has("ts")) {
                    return false;
                }
                senml |= isSenmlRecord(element);
            }
        }
        return senml;
    }

    private static String describeJsonError(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where =
                location == null
                        ? ""
                        : String.format(
                                " (line %d, column %d)",
                                location.getLineNr(), location.getColumnNr());
        String message = String.valueOf(e.getOriginalMessage());
        int newline = message.indexOf('\n');
        return "payload is not valid JSON: "
                + (newline < 0 ? message : message.substring(0, newline))
                + where;
    }

    /**
     * The payload as text, or null when it is not strictly UTF-8; decoded here rather than by
     * Jackson, which would also accept UTF-16 and UTF-32 and pass some invalid bytes through.
     */
    private static String decodeUtf8(byte[] payload) {
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

    /** "a string", "a boolean", ...: the JSON type of a node, for details people read. */
    static String describe(JsonNode node) {
        switch (node.getNodeType()) {
            case STRING:
                return "a string";
            case BOOLEAN:
                return "a boolean";
            case OBJECT:
                return "an object";
            case ARRAY:
                return "an array";
            case NULL:
                return "null";
            case NUMBER:
                return "a number";
            case BINARY:
                return "binary data";
            default:
                return "not a JSON value";
        }
    }

    private static String quote(String text) {
        return text.length() <= MAX_QUOTED_CHARS
                ? text
                : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    /**
     * The exact text of each element of a top-level array that has already parsed, so that a dead
     * letter shows what the device sent rather than a re-serialization.
     */
    private static List<byte[]> elementSlices(String text) {
        List<byte[]> slices = new ArrayList<>();
        try (JsonParser parser = MAPPER.createParser(text)) {
            parser.nextToken();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                // Strings are read lazily: finish the token so the location is past its end.
                parser.finishToken();
                int end = (int) parser.currentLocation().getCharOffset();
                slices.add(text.substring(start, end).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot re-read a payload that has already parsed", e);
        }
        return slices;
    }

    /** Why one reading or record cannot be read; no stack trace, it is expected input. */
    private static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;

        final DeadLetterReason reason;

        Rejection(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /** The readings and dead letters of one message, and how each value and time is read. */
    private final class Results {
        private final RawMessage message;
        private final String site;
        private final String device;
        private final String metric;
        private final List<SensorReading> readings = new ArrayList<>();
        private final List<DeadLetter> deadLetters = new ArrayList<>();
        private int stampedOnArrival;

        Results(RawMessage message) {
            this.message = message;
            // Only used once checkTopic has accepted the topic.
            String[] levels =
                    message.topic() == null ? new String[0] : message.topic().split("/", -1);
            this.site = levels.length == 4 ? levels[1] : null;
            this.device = levels.length == 4 ? levels[2] : null;
            this.metric = levels.length == 4 ? levels[3] : null;
        }

        ParseResult build() {
            return new ParseResult(readings, deadLetters, stampedOnArrival);
        }

        void dead(DeadLetterReason reason, byte[] payload, String detail) {
            deadLetters.add(
                    DeadLetter.of(
                            reason.code(),
                            message.topic(),
                            payload,
                            message.arrivalTime(),
                            detail));
        }

        void bareNumber(JsonNode number, byte[] payload) {
            try {
                double value = finite(number, "payload");
                readings.add(
                        new SensorReading(
                                site, device, metric, message.arrivalTime(), value, null));
                stampedOnArrival++;
            } catch (Rejection r) {
                dead(r.reason, payload, r.getMessage());
            }
        }

        /** One plain reading, {@code {"ts": ..., "value": ..., "unit": ...}}. */
        void reading(JsonNode object, byte[] payload, String where) {
            try {
                double value = number(object, "value");
                String unit = text(object, "unit");
                JsonNode ts = object.get("ts");
                long timestamp;
                boolean onArrival = ts == null || ts.isNull();
                if (onArrival) {
                    timestamp = message.arrivalTime();
                } else {
                    timestamp = checkFuture(epochMillis(ts), "ts");
                }
                readings.add(new SensorReading(site, device, metric, timestamp, value, unit));
                if (onArrival) {
                    stampedOnArrival++;
                }
            } catch (Rejection r) {
                dead(r.reason, payload, where + r.getMessage());
            }
        }

        /** A SenML pack: base fields apply to their record and all records after it. */
        void senmlPack(List<JsonNode> records, List<byte[]> recordPayloads, byte[] payload) {
            SenmlBase base = new SenmlBase();
            int before = readings.size() + deadLetters.size();
            for (int i = 0; i < records.size(); i++) {
                JsonNode record = records.get(i);
                byte[] recordPayload = recordPayloads.get(i);
                String where = records.size() == 1 ? "" : String.format("SenML record %d: ", i);
                if (!record.isObject()) {
                    dead(
                            DeadLetterReason.MALFORMED_JSON,
                            recordPayload,
                            String.format(
                                    "SenML record %d is %s, expected an object",
                                    i, describe(record)));
                    continue;
                }
                try {
                    base.update(record);
                    senmlRecord(record, base);
                } catch (Rejection r) {
                    dead(r.reason, recordPayload, where + r.getMessage());
                }
            }
            if (readings.size() + deadLetters.size() == before) {
                dead(
                        DeadLetterReason.MISSING_VALUE,
                        payload,
                        "SenML pack has only base fields, no record with a value 'v'");
            }
        }

        private void senmlRecord(JsonNode record, SenmlBase base) throws Rejection {
            JsonNode v = record.get("v");
            if (v == null) {
                for (String field : List.of("vs", "vb", "vd")) {
                    if (record.has(field)) {
                        throw new Rejection(
                                DeadLetterReason.NON_NUMERIC_VALUE,
                                String.format(
                                        "SenML field '%s' holds %s value, expected a number in"
                                                + " 'v'",
                                        field,
                                        field.equals("vs")
                                                ? "a string"
                                                : field.equals("vb") ? "a boolean" : "a data"));
                    }
                }
                if (record.has("s")) {
                    throw new Rejection(
                            DeadLetterReason.MISSING_VALUE,
                            "SenML record has only a sum 's', no value 'v'");
                }
                if (isBaseOnly(record)) {
                    return;
                }
                throw new Rejection(
                        DeadLetterReason.MISSING_VALUE, "SenML record has no value 'v'");
            }
            double baseValue = base.value();
            // Adding a zero base would turn a value of -0.0 into 0.0.
            double value = baseValue == 0 ? number(record, "v") : number(record, "v") + baseValue;
            if (!Double.isFinite(value)) {
                throw new Rejection(
                        DeadLetterReason.NON_FINITE_VALUE,
                        "SenML value 'bv' + 'v' is outside the range of a double");
            }
            String name = text(record, "n");
            String unit = record.has("u") ? text(record, "u") : base.unit();
            BigDecimal time = base.time().add(seconds(record, "t"));
            long timestamp;
            boolean relative = time.compareTo(SENML_RELATIVE_LIMIT) < 0;
            try {
                long millis =
                        time.multiply(THOUSAND).setScale(0, RoundingMode.HALF_UP).longValueExact();
                timestamp = relative ? Math.addExact(message.arrivalTime(), millis) : millis;
            } catch (ArithmeticException e) {
                throw new Rejection(
                        DeadLetterReason.BAD_TIMESTAMP,
                        String.format(
                                "SenML time 'bt' + 't' = %s s is out of range", shortNumber(time)));
            }
            if (timestamp < 0) {
                throw new Rejection(
                        DeadLetterReason.BAD_TIMESTAMP,
                        String.format(
                                "SenML time resolves to %d ms, before 1970-01-01", timestamp));
            }
            checkFuture(timestamp, "SenML time");
            String readingMetric = name == null || name.isEmpty() ? metric : name;
            readings.add(new SensorReading(site, device, readingMetric, timestamp, value, unit));
            if (relative) {
                stampedOnArrival++;
            }
        }

        private long checkFuture(long timestamp, String field) throws Rejection {
            long limit = saturatedAdd(message.arrivalTime(), maxFutureSkewMillis);
            if (timestamp > limit) {
                throw new Rejection(
                        DeadLetterReason.FUTURE_TIMESTAMP,
                        String.format(
                                "%s %s is %s after the arrival time %s, more than the allowed %s",
                                field,
                                formatMillis(timestamp),
                                Duration.ofMillis(timestamp - message.arrivalTime()),
                                formatMillis(message.arrivalTime()),
                                Duration.ofMillis(maxFutureSkewMillis)));
            }
            return timestamp;
        }
    }

    /** The SenML base fields in force, and why one of them cannot be used. */
    private static final class SenmlBase {
        private BigDecimal time = BigDecimal.ZERO;
        private Rejection timeProblem;
        private double value;
        private Rejection valueProblem;
        private String unit;
        private Rejection unitProblem;

        /** Takes the record's base fields; rejects the record if one of them is unusable. */
        void update(JsonNode record) throws Rejection {
            Rejection first = null;
            if (record.has("bt")) {
                try {
                    time = seconds(record, "bt");
                    timeProblem = null;
                } catch (Rejection r) {
                    timeProblem = carried(r);
                    first = r;
                }
            }
            if (record.has("bv")) {
                try {
                    value = finite(record.get("bv"), "field 'bv'");
                    valueProblem = null;
                } catch (Rejection r) {
                    valueProblem = carried(r);
                    first = first == null ? r : first;
                }
            }
            if (record.has("bu")) {
                try {
                    unit = text(record, "bu");
                    unitProblem = null;
                } catch (Rejection r) {
                    unitProblem = carried(r);
                    first = first == null ? r : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }

        BigDecimal time() throws Rejection {
            if (timeProblem != null) {
                throw timeProblem;
            }
            return time;
        }

        double value() throws Rejection {
            if (valueProblem != null) {
                throw valueProblem;
            }
            return value;
        }

        String unit() throws Rejection {
            if (unitProblem != null) {
                throw unitProblem;
            }
            return unit;
        }

        private static Rejection carried(Rejection r) {
            return new Rejection(r.reason, "an earlier record's " + r.getMessage());
        }
    }

    private static boolean isBaseOnly(JsonNode record) {
        Iterator<String> names = record.fieldNames();
        while (names.hasNext()) {
            if (!names.next().startsWith("b")) {
                return false;
            }
        }
        return true;
    }

    /** A required finite number field. */
    private static double number(JsonNode object, String field) throws Rejection {
        JsonNode node = object.get(field);
        if (node == null) {
            throw new Rejection(
                    DeadLetterReason.MISSING_VALUE, String.format("field '%s' is missing", field));
        }
        if (node.isNull()) {
            throw new Rejection(
                    DeadLetterReason.MISSING_VALUE, String.format("field '%s' is null", field));
        }
        return finite(node, String.format("field '%s'", field));
    }

    private static double finite(JsonNode node, String what) throws Rejection {
        if (!node.isNumber()) {
            throw new Rejection(
                    DeadLetterReason.NON_NUMERIC_VALUE,
                    String.format("%s is %s, expected a number", what, describe(node)));
        }
        double value = node.doubleValue();
        if (Double.isNaN(value)) {
            throw new Rejection(
                    DeadLetterReason.NON_FINITE_VALUE,
                    String.format("%s is NaN, expected a finite number", what));
        }
        if (Double.isInfinite(value)) {
            throw new Rejection(
                    DeadLetterReason.NON_FINITE_VALUE,
                    String.format(
                            "%s is %s, expected a finite number",
                            what,
                            node.isDouble()
                                    ? "infinite or too large for a double"
                                    : "too large for a double"));
        }
        return value;
    }

    /** An optional string field; null when absent or JSON null. */
    private static String text(JsonNode object, String field) throws Rejection {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new Rejection(
                    DeadLetterReason.MALFORMED_JSON,
                    String.format("field '%s' is %s, expected a string", field, describe(node)));
        }
        return node.textValue();
    }

    /** An optional SenML time field in seconds, exactly; zero when absent. */
    private static BigDecimal seconds(JsonNode object, String field) throws Rejection {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return BigDecimal.ZERO;
        }
        if (!node.isNumber()) {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format(
                            "field '%s' is %s, expected seconds as a number",
                            field, describe(node)));
        }
        if (!Double.isFinite(node.doubleValue())) {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format("field '%s' is not a finite number of seconds", field));
        }
        return node.decimalValue();
    }

    /** The {@code ts} of a plain reading: epoch milliseconds or an ISO-8601 date-time. */
    private static long epochMillis(JsonNode ts) throws Rejection {
        long millis;
        if (ts.isNumber()) {
            double asDouble = ts.doubleValue();
            if (!Double.isFinite(asDouble)) {
                throw new Rejection(
                        DeadLetterReason.BAD_TIMESTAMP,
                        "field 'ts' is not a finite number of epoch milliseconds");
            }
            if (ts.canConvertToExactIntegral() && ts.canConvertToLong()) {
                millis = ts.longValue();
            } else if (asDouble >= Long.MIN_VALUE && asDouble < Long.MAX_VALUE) {
                millis = (long) Math.floor(asDouble);
            } else {
                throw new Rejection(
                        DeadLetterReason.BAD_TIMESTAMP,
                        String.format(
                                "field 'ts' %s is out of range of epoch milliseconds",
                                shortNumber(ts.decimalValue())));
            }
        } else if (ts.isTextual()) {
            millis = parseIso(ts.textValue());
        } else {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format(
                            "field 'ts' is %s, expected epoch milliseconds or an ISO-8601 string",
                            describe(ts)));
        }
        if (millis < 0) {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format("field 'ts' %d is negative, before 1970-01-01", millis));
        }
        return millis;
    }

    private static long parseIso(String text) throws Rejection {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            String problem =
                    isLocalDateTime(text)
                            ? "has no UTC offset (add Z or +01:00)"
                            : "is not an ISO-8601 date-time such as 2025-11-28T08:00:00.123Z";
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format("field 'ts' '%s' %s", quote(text), problem));
        }
    }

    private static boolean isLocalDateTime(String text) {
        try {
            LocalDateTime.parse(text);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    private static String formatMillis(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private static String shortNumber(BigDecimal number) {
        return quote(number.toString());
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Overflow only when both have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
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
