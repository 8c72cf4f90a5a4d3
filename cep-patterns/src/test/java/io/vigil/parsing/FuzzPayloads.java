package io.vigil.parsing;

import static io.vigil.parsing.RandomPayloads.finiteDouble;
import static io.vigil.parsing.RandomPayloads.oneOf;

import io.vigil.model.RawMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fuzzer's inputs: hostile and broken MQTT messages, each a pure function of a seed and its
 * index, so that any one of a million can be made again alone ({@link #input(long, long)}).
 *
 * <p>Kinds: valid readings and SenML packs (also mutated byte by byte), random bytes, JSON-ish
 * token soup, deep nesting, huge numbers and arrays, invalid UTF-8 and other encodings, NaN and
 * Infinity spellings, long and odd topics, duplicate keys, byte order marks, empty and blank
 * payloads, very long strings and payloads over the size limit.
 */
public final class FuzzPayloads {

    public static final String TOPIC = "sensors/plant-a/mic-07/sound";

    /** Arrival time of input 0; input {@code i} arrives {@code i * ARRIVAL_STEP} ms later. */
    public static final long FIRST_ARRIVAL = Instant.parse("2025-11-28T08:00:00Z").toEpochMilli();

    public static final long ARRIVAL_STEP = 100;

    /** The parser's default size limit; payloads around it are drawn on purpose. */
    private static final int LIMIT = 64 * 1024;

    /** What an input was made as, for the figures. */
    public enum Kind {
        VALID,
        MUTATED,
        RANDOM_BYTES,
        TOKEN_SOUP,
        DEEP_NESTING,
        HUGE_NUMBER,
        HUGE_ARRAY,
        INVALID_UTF8,
        NON_FINITE,
        ODD_TOPIC,
        DUPLICATE_KEYS,
        BOM,
        EMPTY_OR_BLANK,
        LONG_STRING,
        OVERSIZED
    }

    /** One input: how it was made and the message. */
    public record Input(Kind kind, RawMessage message) {}

    private static final Kind[] KINDS = Kind.values();

    /** Relative weights of the kinds, in {@link Kind} order; the big ones are rarer. */
    private static final int[] WEIGHTS = {12, 20, 8, 10, 4, 6, 3, 6, 6, 6, 4, 4, 3, 4, 1};

    private static final int TOTAL_WEIGHT = java.util.Arrays.stream(WEIGHTS).sum();

    /**
     * JSON punctuation, the field names of every payload form, numbers, non-finite spellings and
     * odd strings: the tokens of JSON-ish text (token soup), also for the parser's property tests.
     */
    static final List<String> JSON_TOKENS =
            List.of(
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
                    "\"bn\"",
                    "\"vs\"",
                    "\"vb\"",
                    "\"s\"",
                    "\"u\"",
                    "1",
                    "-2.5",
                    "1764316800123",
                    "1764316800.5",
                    "1e400",
                    "-0",
                    "0.0e-5",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "null",
                    "true",
                    "false",
                    "\"x\"",
                    "\"dB\"",
                    "\"2025-11-28T08:00:00Z\"",
                    "\"2025-11-28T08:00:00\"",
                    "\"\\u00e9\"",
                    "\"\\ud800\"",
                    "\\",
                    "\"",
                    "/*",
                    "*/",
                    "//",
                    "'",
                    "\n",
                    "\t");

    /** Characters that change a JSON document's structure when inserted. */
    static final String STRUCTURAL = "{}[],:\"-.eE0N \\";

    private static final List<String> NON_FINITE_SPELLINGS =
            List.of(
                    "NaN",
                    "-NaN",
                    "+NaN",
                    "nan",
                    "Infinity",
                    "-Infinity",
                    "+Infinity",
                    "infinity",
                    "INF",
                    "-INF",
                    "+INF",
                    "Inf",
                    "1e309",
                    "-1e309",
                    "1E999999999",
                    "-1e999999999",
                    "\"NaN\"",
                    "\"Infinity\"",
                    "NaN1",
                    "Infinityy",
                    "--Infinity");

    private static final List<String> VALUE_FIELDS = List.of("value", "ts", "v", "bv", "t", "bt");

    private static final List<String> UNITS = List.of("dB", "Cel", "%RH", "µg/m³", "", "°");

    private FuzzPayloads() {}

    /** Input {@code index} of the run with this seed; the same pair always gives the same input. */
    public static Input input(long seed, long index) {
        SplittableRandom random = new SplittableRandom(mix(seed, index));
        long arrival = FIRST_ARRIVAL + index * ARRIVAL_STEP;
        Kind kind = kind(random);
        String topic = TOPIC;
        byte[] payload;
        switch (kind) {
            case VALID -> payload = utf8(valid(random, arrival));
            case MUTATED ->
                    payload =
                            RandomPayloads.mutate(
                                            random, utf8(valid(random, arrival)), 8, STRUCTURAL)
                                    .result();
            case RANDOM_BYTES ->
                    payload = RandomPayloads.bytes(random, random.nextInt(8) == 0 ? 4096 : 300);
            case TOKEN_SOUP -> payload = utf8(RandomPayloads.tokens(random, JSON_TOKENS, 60));
            case DEEP_NESTING -> payload = utf8(deep(random));
            case HUGE_NUMBER -> payload = utf8(hugeNumber(random));
            case HUGE_ARRAY -> payload = utf8(hugeArray(random, arrival));
            case INVALID_UTF8 -> payload = badEncoding(random, valid(random, arrival));
            case NON_FINITE -> payload = utf8(nonFinite(random));
            case ODD_TOPIC -> {
                topic = oddTopic(random);
                payload = utf8(valid(random, arrival));
            }
            case DUPLICATE_KEYS -> payload = utf8(duplicateKeys(random, arrival));
            case BOM -> payload = withBom(random, valid(random, arrival));
            case EMPTY_OR_BLANK -> payload = blank(random);
            case LONG_STRING -> payload = utf8(longString(random, arrival));
            default -> payload = oversized(random);
        }
        // A few inputs of every kind also get a topic from elsewhere in the contract's shape.
        if (kind != Kind.ODD_TOPIC && random.nextInt(20) == 0) {
            topic = oddTopic(random);
        }
        return new Input(kind, new RawMessage(topic, payload, arrival));
    }

    /** A well-spread seed per input (SplittableRandom's own mix of the pair). */
    private static long mix(long seed, long index) {
        return new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextLong();
    }

    private static Kind kind(SplittableRandom random) {
        int draw = random.nextInt(TOTAL_WEIGHT);
        for (int i = 0; i < KINDS.length; i++) {
            draw -= WEIGHTS[i];
            if (draw < 0) {
                return KINDS[i];
            }
        }
        throw new IllegalStateException("weights do not cover the draw");
    }

    // ---- valid payloads

    /** A payload in one of the accepted forms, mostly with times near the arrival. */
    static String valid(SplittableRandom random, long arrival) {
        return switch (random.nextInt(6)) {
            case 0 -> plain(random, arrival);
            case 1 -> Double.toString(value(random));
            case 2 -> array(random, arrival, RandomPayloads.size(random, 1, 6));
            case 3 -> senml(random, arrival, RandomPayloads.size(random, 1, 6));
            case 4 -> plainIso(random, arrival);
            default -> "{\"value\": " + value(random) + "}";
        };
    }

    private static double value(SplittableRandom random) {
        return random.nextInt(4) == 0 ? finiteDouble(random) : 40 + random.nextInt(600) / 10.0;
    }

    /** A reading time: mostly a few seconds before the arrival, sometimes anywhere. */
    private static long time(SplittableRandom random, long arrival) {
        return switch (random.nextInt(10)) {
            case 0 -> random.nextLong(0, arrival);
            case 1 -> arrival + random.nextLong(0, 20 * 60_000L);
            default -> arrival - random.nextInt(3000);
        };
    }

    private static String plain(SplittableRandom random, long arrival) {
        StringBuilder json = new StringBuilder("{\"ts\": ").append(time(random, arrival));
        json.append(", \"value\": ").append(value(random));
        if (random.nextBoolean()) {
            json.append(", \"unit\": \"").append(oneOf(random, UNITS)).append('"');
        }
        return json.append('}').toString();
    }

    private static String plainIso(SplittableRandom random, long arrival) {
        return "{\"ts\": \""
                + Instant.ofEpochMilli(time(random, arrival))
                + "\", \"value\": "
                + value(random)
                + "}";
    }

    private static String array(SplittableRandom random, long arrival, int size) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            json.append(i == 0 ? "" : ", ").append(plain(random, arrival));
        }
        return json.append(']').toString();
    }

    private static String senml(SplittableRandom random, long arrival, int size) {
        StringBuilder json = new StringBuilder("[");
        long base = time(random, arrival);
        json.append("{\"bn\": \"urn:dev:x:\", \"bt\": ")
                .append(base / 1000)
                .append('.')
                .append(String.format("%03d", base % 1000))
                .append(", \"bu\": \"dB\"");
        if (random.nextBoolean()) {
            json.append(", \"bv\": ").append(random.nextInt(10));
        }
        json.append(", \"v\": ").append(value(random)).append('}');
        for (int i = 1; i < size; i++) {
            json.append(", {");
            if (random.nextBoolean()) {
                json.append("\"n\": \"")
                        .append(oneOf(random, List.of("sound", "level", "t")))
                        .append("\", ");
            }
            json.append("\"t\": ").append(random.nextInt(-3, 4));
            json.append(", \"v\": ").append(value(random)).append('}');
        }
        return json.append(']').toString();
    }

    // ---- hostile payloads

    private static String deep(SplittableRandom random) {
        int depth =
                oneOf(random, List.of(2, 63, 64, 65, 100, 1000, 20_000, random.nextInt(1, 30_000)));
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String inner = oneOf(random, List.of("1", "{\"value\": 1}", "", "{\"v\": 2}"));
        StringBuilder json = new StringBuilder();
        json.append(open.repeat(depth)).append(inner);
        // Sometimes unbalanced: the parser must stop at the limit, not at the end.
        int closing = random.nextInt(4) == 0 ? random.nextInt(depth + 1) : depth;
        json.append(close.repeat(closing));
        return json.toString();
    }

    private static String hugeNumber(SplittableRandom random) {
        String number =
                switch (random.nextInt(7)) {
                    case 0 -> digits(random, RandomPayloads.size(random, 20, 60_000));
                    case 1 -> "-" + digits(random, RandomPayloads.size(random, 300, 2000));
                    case 2 -> "1e" + random.nextInt(300, 400_000);
                    case 3 -> "1e-" + random.nextInt(300, 400_000);
                    case 4 -> "0." + "0".repeat(RandomPayloads.size(random, 300, 50_000)) + "1";
                    case 5 -> digits(random, 400) + "." + digits(random, 400) + "e-9999";
                    default -> Long.toString(random.nextLong()) + "000000000000";
                };
        String field = oneOf(random, VALUE_FIELDS);
        return switch (random.nextInt(4)) {
            case 0 -> number;
            case 1 ->
                    "{\""
                            + field
                            + "\": "
                            + number
                            + (field.equals("value") ? "" : ", \"value\": 1")
                            + "}";
            case 2 -> "[{\"" + field + "\": " + number + ", \"v\": 1}]";
            default -> "{\"ts\": " + number + ", \"value\": " + number + "}";
        };
    }

    private static String digits(SplittableRandom random, int count) {
        StringBuilder text = new StringBuilder(count);
        text.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < count; i++) {
            text.append((char) ('0' + random.nextInt(10)));
        }
        return text.toString();
    }

    /** Arrays filling most of the size limit, of good, empty or bad elements. */
    private static String hugeArray(SplittableRandom random, long arrival) {
        String element =
                switch (random.nextInt(7)) {
                    case 0 -> "{}";
                    case 1 -> "1";
                    case 2 -> "{\"v\":1}";
                    case 3 -> "{\"value\":" + value(random) + "}";
                    case 4 -> "{\"ts\":" + (arrival - 1000) + ",\"value\":\"x\"}";
                    case 5 -> "null";
                    default -> "[]";
                };
        int budget = RandomPayloads.size(random, 1000, LIMIT + 100);
        StringBuilder json = new StringBuilder("[");
        while (json.length() + element.length() + 2 < budget) {
            json.append(json.length() == 1 ? "" : ",").append(element);
        }
        return json.append(']').toString();
    }

    private static byte[] badEncoding(SplittableRandom random, String valid) {
        byte[] bytes = utf8(valid);
        return switch (random.nextInt(6)) {
            case 0 -> valid.getBytes(StandardCharsets.UTF_16BE);
            case 1 -> valid.getBytes(StandardCharsets.UTF_16LE);
            case 2 -> valid.getBytes(Charset.forName("UTF-32"));
            case 3 -> valid.getBytes(StandardCharsets.ISO_8859_1); // same as UTF-8 for ASCII
            default -> {
                byte[][] bad = {
                    {(byte) 0xC0, (byte) 0x80}, // overlong NUL
                    {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
                    {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
                    {(byte) 0x80}, // a lone continuation byte
                    {(byte) 0xE2, (byte) 0x82}, // cut short
                    {(byte) 0xFF},
                    {(byte) 0xFE, (byte) 0xFF}
                };
                int at = random.nextInt(bytes.length + 1);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(bytes, 0, at);
                out.writeBytes(bad[random.nextInt(bad.length)]);
                out.write(bytes, at, bytes.length - at);
                yield out.toByteArray();
            }
        };
    }

    private static String nonFinite(SplittableRandom random) {
        String spelling = oneOf(random, NON_FINITE_SPELLINGS);
        return switch (random.nextInt(5)) {
            case 0 -> spelling;
            case 1 -> "{\"value\": " + spelling + "}";
            case 2 -> "{\"ts\": " + spelling + ", \"value\": 1}";
            case 3 -> "[{\"bt\": 1764316800, \"bv\": " + spelling + ", \"v\": 1}]";
            default ->
                    "[{\"bt\": "
                            + spelling
                            + ", \"t\": "
                            + spelling
                            + ", \"v\": "
                            + spelling
                            + "}]";
        };
    }

    /** Topics near and far from {@code sensors/{site}/{device}/{metric}}. */
    static String oddTopic(SplittableRandom random) {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> "";
            case 2 ->
                    "sensors/" + "s".repeat(RandomPayloads.size(random, 1, 65_000)) + "/mic/sound";
            case 3 ->
                    "sensors/plant-a/mic-07/"
                            + "m".repeat(RandomPayloads.size(random, 100, 20_000));
            case 4 -> "sensors" + "/x".repeat(RandomPayloads.size(random, 0, 2000));
            case 5 -> "sensors/plant-é/mic-😀/sound";
            case 6 -> "sensors/+/#/sound";
            case 7 -> "sensors/plant-a/mic\u0000/sound";
            default -> "sensors/" + RandomPayloads.string(random, "ab/+#$ \u2028é", 0, 30);
        };
    }

    private static String duplicateKeys(SplittableRandom random, long arrival) {
        return switch (random.nextInt(5)) {
            case 0 -> "{\"value\": 1, \"value\": 2}";
            case 1 -> "{\"ts\": " + arrival + ", \"value\": 1, \"ts\": " + arrival + "}";
            case 2 -> "[{\"bt\": 1764316800, \"bt\": 1764316801, \"v\": 1}]";
            case 3 -> "[{\"value\": 1}, {\"value\": 2, \"unit\": \"dB\", \"unit\": \"dB\"}]";
            default -> "{\"value\": 1, \"meta\": {\"a\": 1, \"a\": 2}}";
        };
    }

    private static byte[] withBom(SplittableRandom random, String valid) {
        String bom = "\uFEFF";
        String text =
                switch (random.nextInt(6)) {
                    case 0 -> bom + valid;
                    case 1 -> bom + bom + valid;
                    case 2 -> bom;
                    case 3 -> bom + "  \n";
                    case 4 -> valid + bom;
                    default -> " " + bom + valid;
                };
        return utf8(text);
    }

    private static byte[] blank(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> utf8(RandomPayloads.string(random, " \t\r\n", 1, 200));
            case 3 -> utf8(" ".repeat(RandomPayloads.size(random, 1, LIMIT)));
            case 4 -> utf8("\u00a0\u2028\u3000");
            default -> new byte[random.nextInt(1, 50)]; // NUL bytes
        };
    }

    private static String longString(SplittableRandom random, long arrival) {
        int length = RandomPayloads.size(random, 1000, LIMIT - 100);
        String text =
                random.nextBoolean()
                        ? "x".repeat(length)
                        : "\\u00e9\\ud83d\\ude00\\\"".repeat(length / 20 + 1);
        return switch (random.nextInt(5)) {
            case 0 -> "{\"ts\": " + arrival + ", \"value\": 1, \"unit\": \"" + text + "\"}";
            case 1 -> "{\"value\": \"" + text + "\"}";
            case 2 -> "{\"ts\": \"" + text + "\", \"value\": 1}";
            case 3 -> "[{\"n\": \"" + text + "\", \"v\": 1}]";
            default -> "{\"" + text + "\": 1}";
        };
    }

    private static byte[] oversized(SplittableRandom random) {
        int length = LIMIT + oneOf(random, List.of(1, 2, 1000, 200_000));
        byte[] payload = new byte[length];
        java.util.Arrays.fill(payload, (byte) '1');
        return payload;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
