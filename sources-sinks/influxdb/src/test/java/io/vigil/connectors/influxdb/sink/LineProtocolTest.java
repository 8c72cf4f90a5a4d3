package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Line protocol encoding: examples, and a property that every point either comes back unchanged
 * through a decoder that follows InfluxDB 1.x's scanner, or is refused for a stated reason.
 */
class LineProtocolTest {

    @Test
    void escapesCommasSpacesAndEqualsSignsInNamesAndQuotesInStrings() {
        InfluxDbPoint point =
                InfluxDbPoint.builder("my measurement,x=1")
                        .tag("tag key", "a,b=c d")
                        .tag("plain", "v")
                        .field("field=key", "say \"hi\"\\now\nnext line")
                        .field("n", 42L)
                        .field("f", 1.5)
                        .field("b", false)
                        .timestamp(1_764_316_800_123L)
                        .build();

        assertThat(LineProtocol.encode(point))
                .isEqualTo(
                        "my\\ measurement\\,x=1,plain=v,tag\\ key=a\\,b\\=c\\ d"
                                + " b=false,f=1.5,field\\=key=\"say \\\"hi\\\"\\\\now\nnext"
                                + " line\",n=42i 1764316800123000000");
    }

    @Test
    void keepsNonAsciiAsIs() {
        InfluxDbPoint point =
                InfluxDbPoint.builder("Lärm")
                        .tag("ort", "Zürich 😀")
                        .field("t", "中")
                        .timestamp(1)
                        .build();
        assertThat(LineProtocol.encode(point)).isEqualTo("Lärm,ort=Zürich\\ 😀 t=\"中\" 1000000");
    }

    @Test
    void leavesOutTagsWithEmptyValues() {
        InfluxDbPoint point =
                InfluxDbPoint.builder("m").tag("a", "").field("x", 1L).timestamp(5).build();
        assertThat(LineProtocol.encode(point)).isEqualTo("m x=1i 5000000");
    }

    @Test
    void refusesWhatLineProtocolCannotCarry() {
        assertRefused(InfluxDbPoint.builder("m").tag("k", "a\nb").field("x", 1L), "newline");
        assertRefused(InfluxDbPoint.builder("m").tag("k", "ends\\").field("x", 1L), "backslash");
        assertRefused(InfluxDbPoint.builder("m").tag("k", "a\\,b").field("x", 1L), "odd run");
        assertRefused(InfluxDbPoint.builder("m").field("time", 1L), "reserved");
        assertRefused(InfluxDbPoint.builder("m").tag("time", "x").field("x", 1L), "reserved");
        assertRefused(InfluxDbPoint.builder("").field("x", 1L), "empty");
        assertRefused(InfluxDbPoint.builder("#m").field("x", 1L), "comment");
        assertRefused(InfluxDbPoint.builder("m").field("x", Double.NaN), "finite");
        assertRefused(InfluxDbPoint.builder("m").field("x", Double.POSITIVE_INFINITY), "finite");
        assertRefused(InfluxDbPoint.builder("m").field("", 1L), "empty");
        assertThatThrownBy(
                        () ->
                                LineProtocol.encode(
                                        InfluxDbPoint.builder("m")
                                                .field("x", 1L)
                                                .timestamp(Long.MAX_VALUE)
                                                .build()))
                .isInstanceOf(UnrepresentablePointException.class)
                .hasMessageContaining("range");
    }

    @Test
    void keepsEvenBackslashRunsAndBackslashesInsideNames() {
        InfluxDbPoint point =
                InfluxDbPoint.builder("m")
                        .tag("k", "a\\\\,b\\c")
                        .field("x", 1L)
                        .timestamp(1)
                        .build();
        assertThat(LineProtocol.encode(point)).isEqualTo("m,k=a\\\\\\,b\\c x=1i 1000000");
        assertThat(decode(LineProtocol.encode(point))).isEqualTo(point);
    }

    @Test
    void writesNanosecondsSoThatPointsWithinOneMillisecondStayApart() {
        InfluxDbPoint point =
                InfluxDbPoint.builder("m").field("x", 1L).timestamp(1_000L, 42).build();
        assertThat(LineProtocol.encode(point)).isEqualTo("m x=1i 1000000042");
        InfluxDbPoint beforeEpoch =
                InfluxDbPoint.builder("m").field("x", 1L).timestamp(-1L, 999_999).build();
        assertThat(LineProtocol.encode(beforeEpoch)).isEqualTo("m x=1i -1");
        assertThat(decode(LineProtocol.encode(beforeEpoch))).isEqualTo(beforeEpoch);
        assertThatThrownBy(() -> InfluxDbPoint.builder("m").timestamp(1, 1_000_000))
                .hasMessageContaining("0 to 999999");
    }

    @Test
    void builderRequiresAFieldAndATimestamp() {
        assertThatThrownBy(() -> InfluxDbPoint.builder("m").timestamp(1).build())
                .hasMessageContaining("at least one field");
        assertThatThrownBy(() -> InfluxDbPoint.builder("m").field("x", 1L).build())
                .hasMessageContaining("needs a timestamp");
    }

    private static void assertRefused(InfluxDbPoint.Builder builder, String reason) {
        InfluxDbPoint point = builder.timestamp(1).build();
        assertThatThrownBy(() -> LineProtocol.encode(point))
                .isInstanceOf(UnrepresentablePointException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void everyPointComesBackThroughTheDecoderOrIsRefused() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            InfluxDbPoint point = randomPoint(random);
            String context = String.format("seed %d, case %d: %s", seed, i, point);
            if (representable(point)) {
                assertThat(decode(LineProtocol.encode(point)))
                        .as(context)
                        .isEqualTo(withoutEmptyTags(point));
            } else {
                assertThatThrownBy(() -> LineProtocol.encode(point))
                        .as(context)
                        .isInstanceOf(UnrepresentablePointException.class);
            }
        }
    }

    private static InfluxDbPoint randomPoint(Random random) {
        long n = TrickyStrings.anyLong(random);
        return InfluxDbPoint.builder("m" + TrickyStrings.tricky(random, 8))
                .tag("t" + TrickyStrings.tricky(random, 8), TrickyStrings.tricky(random, 8))
                .field("f" + TrickyStrings.tricky(random, 8), TrickyStrings.tricky(random, 30))
                .field("d", TrickyStrings.finiteDouble(random))
                .field("n", n)
                .timestamp(
                        random.nextLong(-9_000_000_000_000L, 9_000_000_000_000L),
                        (int) Math.floorMod(n, 1_000_000L))
                .build();
    }

    /** What the encoder must accept: the rules stated in {@link LineProtocol}, restated. */
    private static boolean representable(InfluxDbPoint p) {
        if (!nameOk(p.measurement(), ", ") || p.measurement().startsWith("#")) {
            return false;
        }
        for (var tag : p.tags().entrySet()) {
            if (tag.getValue().isEmpty()) {
                continue;
            }
            if (!nameOk(tag.getKey(), ", =")
                    || tag.getKey().equals("time")
                    || !nameOk(tag.getValue(), ", =")) {
                return false;
            }
        }
        for (var field : p.fields().entrySet()) {
            if (!nameOk(field.getKey(), ", =") || field.getKey().equals("time")) {
                return false;
            }
        }
        return true;
    }

    private static boolean nameOk(String name, String escaped) {
        if (name.isEmpty() || name.contains("\n") || name.endsWith("\\")) {
            return false;
        }
        int run = 0;
        for (char c : name.toCharArray()) {
            if (escaped.indexOf(c) >= 0 && run % 2 == 1) {
                return false;
            }
            run = c == '\\' ? run + 1 : 0;
        }
        return true;
    }

    private static InfluxDbPoint withoutEmptyTags(InfluxDbPoint p) {
        SortedMap<String, String> tags = new TreeMap<>(p.tags());
        tags.values().removeIf(String::isEmpty);
        return new InfluxDbPoint(
                p.measurement(),
                tags,
                new TreeMap<>(p.fields()),
                p.timestampMillis(),
                p.nanoOfMillisecond());
    }

    /**
     * Decodes one line the way InfluxDB 1.x reads it: measurement and tags end at a comma, space or
     * equals sign not preceded by a backslash, and unescape only {@code \,}, {@code \ } and {@code
     * \=}; string fields unescape {@code \\} and {@code \"}.
     */
    static InfluxDbPoint decode(String line) {
        int[] at = {0};
        String measurement = unescape(scan(line, at, ", "), ", ");
        SortedMap<String, String> tags = new TreeMap<>();
        while (line.charAt(at[0]) == ',') {
            at[0]++;
            String key = unescape(scan(line, at, "="), ", =");
            at[0]++;
            tags.put(key, unescape(scan(line, at, ", "), ", ="));
        }
        SortedMap<String, Object> fields = new TreeMap<>();
        do {
            at[0]++;
            String key = unescape(scan(line, at, "="), ", =");
            at[0]++;
            fields.put(key, fieldValue(line, at));
        } while (line.charAt(at[0]) == ',');
        long nanos = Long.parseLong(line.substring(at[0] + 1));
        return new InfluxDbPoint(
                measurement,
                tags,
                fields,
                Math.floorDiv(nanos, 1_000_000L),
                (int) Math.floorMod(nanos, 1_000_000L));
    }

    private static String scan(String line, int[] at, String stops) {
        int start = at[0];
        int i = start;
        while (stops.indexOf(line.charAt(i)) < 0 || (i > start && line.charAt(i - 1) == '\\')) {
            i++;
        }
        at[0] = i;
        return line.substring(start, i);
    }

    private static String unescape(String raw, String codes) {
        String out = raw;
        for (char c : codes.toCharArray()) {
            out = out.replace("\\" + c, String.valueOf(c));
        }
        return out;
    }

    private static Object fieldValue(String line, int[] at) {
        int i = at[0];
        if (line.charAt(i) == '"') {
            StringBuilder out = new StringBuilder();
            for (i++; line.charAt(i) != '"'; i++) {
                char c = line.charAt(i);
                if (c == '\\' && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                    c = line.charAt(++i);
                }
                out.append(c);
            }
            at[0] = i + 1;
            return out.toString();
        }
        int start = i;
        while (line.charAt(i) != ',' && line.charAt(i) != ' ') {
            i++;
        }
        at[0] = i;
        String raw = line.substring(start, i);
        if (raw.endsWith("i")) {
            return Long.parseLong(raw.substring(0, raw.length() - 1));
        }
        if (raw.equals("true") || raw.equals("false")) {
            return Boolean.parseBoolean(raw);
        }
        return Double.parseDouble(raw);
    }
}
