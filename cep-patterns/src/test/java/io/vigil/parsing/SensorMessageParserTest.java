package io.vigil.parsing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.model.DeadLetter;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SensorMessageParserTest {

    private static final String TOPIC = "sensors/plant-a/mic-07/sound";

    /** 2025-11-28T08:01:40Z. */
    private static final long ARRIVAL = 1764316900000L;

    private final SensorMessageParser parser = SensorMessageParser.withDefaults();

    private ParseResult parse(String payload) {
        return parser.parse(RawMessage.of(TOPIC, payload, ARRIVAL));
    }

    private static SensorReading reading(long ts, double value, String unit) {
        return new SensorReading("plant-a", "mic-07", "sound", ts, value, unit);
    }

    private DeadLetter onlyDeadLetter(String payload) {
        ParseResult result = parse(payload);
        assertThat(result.readings()).isEmpty();
        assertThat(result.deadLetters()).hasSize(1);
        return result.deadLetters().get(0);
    }

    // ---- payload forms

    @Test
    void parsesOneReadingWithEpochMillisAndUnit() {
        ParseResult result = parse("{\"ts\": 1764316800123, \"value\": 87.5, \"unit\": \"dB\"}");

        assertThat(result.readings()).containsExactly(reading(1764316800123L, 87.5, "dB"));
        assertThat(result.deadLetters()).isEmpty();
        assertThat(result.stampedOnArrival()).isZero();
    }

    @Test
    void takesSiteDeviceAndMetricFromTheTopic() {
        ParseResult result =
                parser.parse(
                        RawMessage.of(
                                "sensors/plant-b/pump-3/temperature",
                                "{\"ts\": 1764316800000, \"value\": 41}",
                                ARRIVAL));

        assertThat(result.readings())
                .containsExactly(
                        new SensorReading(
                                "plant-b", "pump-3", "temperature", 1764316800000L, 41.0, null));
    }

    @Test
    void leavesUnitNullWhenAbsentAndIgnoresUnknownFields() {
        ParseResult result =
                parse("{\"ts\": 1764316800123, \"value\": -3, \"battery\": {\"pct\": 80}}");

        assertThat(result.readings()).containsExactly(reading(1764316800123L, -3.0, null));
    }

    @Test
    void stampsReadingWithoutTsWithArrivalTimeAndCountsIt() {
        ParseResult result = parse("{\"value\": 87.5, \"unit\": \"dB\"}");

        assertThat(result.readings()).containsExactly(reading(ARRIVAL, 87.5, "dB"));
        assertThat(result.stampedOnArrival()).isEqualTo(1);
    }

    @Test
    void treatsNullTsAsAbsent() {
        ParseResult result = parse("{\"ts\": null, \"value\": 1.5}");

        assertThat(result.readings()).containsExactly(reading(ARRIVAL, 1.5, null));
        assertThat(result.stampedOnArrival()).isEqualTo(1);
    }

    @Test
    void parsesIsoTimestampInUtc() {
        ParseResult result = parse("{\"ts\": \"2025-11-28T08:00:00.123Z\", \"value\": 87.5}");

        assertThat(result.readings())
                .containsExactly(
                        reading(
                                Instant.parse("2025-11-28T08:00:00.123Z").toEpochMilli(),
                                87.5,
                                null));
        assertThat(result.stampedOnArrival()).isZero();
    }

    @Test
    void parsesIsoTimestampWithPositiveAndNegativeOffsets() {
        long utc = Instant.parse("2025-11-28T08:00:00.123Z").toEpochMilli();

        assertThat(parse("{\"ts\": \"2025-11-28T09:00:00.123+01:00\", \"value\": 1}").readings())
                .containsExactly(reading(utc, 1.0, null));
        assertThat(parse("{\"ts\": \"2025-11-28T03:30:00.123-04:30\", \"value\": 1}").readings())
                .containsExactly(reading(utc, 1.0, null));
    }

    @Test
    void floorsFractionalEpochMillis() {
        assertThat(parse("{\"ts\": 1764316800123.9, \"value\": 1}").readings())
                .containsExactly(reading(1764316800123L, 1.0, null));
    }

    @Test
    void parsesBareNumberAtArrivalTimeAndCountsIt() {
        ParseResult result = parse("87.5");

        assertThat(result.readings()).containsExactly(reading(ARRIVAL, 87.5, null));
        assertThat(result.deadLetters()).isEmpty();
        assertThat(result.stampedOnArrival()).isEqualTo(1);
    }

    @Test
    void parsesBareIntegerWithSurroundingWhitespace() {
        assertThat(parse("  42\n").readings()).containsExactly(reading(ARRIVAL, 42.0, null));
    }

    @Test
    void parsesBatchOfReadings() {
        ParseResult result =
                parse(
                        "[{\"ts\": 1764316800000, \"value\": 80, \"unit\": \"dB\"},"
                                + " {\"ts\": 1764316801000, \"value\": 81.5, \"unit\": \"dB\"},"
                                + " {\"value\": 82}]");

        assertThat(result.readings())
                .containsExactly(
                        reading(1764316800000L, 80.0, "dB"),
                        reading(1764316801000L, 81.5, "dB"),
                        reading(ARRIVAL, 82.0, null));
        assertThat(result.deadLetters()).isEmpty();
        assertThat(result.stampedOnArrival()).isEqualTo(1);
    }

    @Test
    void judgesEachBatchElementOnItsOwn() {
        ParseResult result =
                parse(
                        "[{\"ts\": 1764316800000, \"value\": 80},"
                                + " {\"ts\": 1764316801000, \"value\": \"81\"},"
                                + " 7,"
                                + " {\"ts\": 1764316802000, \"value\": 82},"
                                + " {\"ts\": true, \"value\": 83}]");

        assertThat(result.readings())
                .containsExactly(
                        reading(1764316800000L, 80.0, null), reading(1764316802000L, 82.0, null));
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::payload)
                .containsExactly(
                        tuple("non-numeric-value", "{\"ts\": 1764316801000, \"value\": \"81\"}"),
                        tuple("malformed-json", "7"),
                        tuple("bad-timestamp", "{\"ts\": true, \"value\": 83}"));
        assertThat(result.deadLetters().get(0).detail())
                .isEqualTo("element 1: field 'value' is a string, expected a number");
        assertThat(result.deadLetters().get(1).detail())
                .isEqualTo("element 2 is a number, expected an object");
        assertThat(result.deadLetters())
                .allSatisfy(
                        d -> {
                            assertThat(d.topic()).isEqualTo(TOPIC);
                            assertThat(d.arrivalTime()).isEqualTo(ARRIVAL);
                        });
    }

    @Test
    void keepsTheExactBytesOfEachBadBatchElement() {
        ParseResult result =
                parse(
                        "[ {\"value\" : \"x\", \"meta\": {\"tags\": [1, 2.50]}} ,\n"
                                + "  \"é\\\"\", 1e400 , {\"value\": 1}]");

        assertThat(result.deadLetters())
                .extracting(DeadLetter::payload)
                .containsExactly(
                        "{\"value\" : \"x\", \"meta\": {\"tags\": [1, 2.50]}}",
                        "\"é\\\"\"",
                        "1e400");
        assertThat(result.readings()).hasSize(1);
    }

    // ---- SenML

    @Test
    void parsesSenmlPackWithBaseFieldsAndNamesMetricFromN() {
        ParseResult result =
                parse(
                        "[{\"bn\": \"urn:dev:mic-07:\", \"bt\": 1764316800, \"bu\": \"dB\", \"n\":"
                            + " \"sound\", \"v\": 80}, {\"n\": \"peak\", \"t\": 1.5, \"v\": 91.25},"
                            + " {\"n\": \"temperature\", \"u\": \"Cel\", \"t\": 2, \"v\": 21}]");

        assertThat(result.readings())
                .containsExactly(
                        new SensorReading("plant-a", "mic-07", "sound", 1764316800000L, 80, "dB"),
                        new SensorReading("plant-a", "mic-07", "peak", 1764316801500L, 91.25, "dB"),
                        new SensorReading(
                                "plant-a", "mic-07", "temperature", 1764316802000L, 21, "Cel"));
        assertThat(result.deadLetters()).isEmpty();
        assertThat(result.stampedOnArrival()).isZero();
    }

    @Test
    void usesTopicMetricWhenSenmlRecordHasNoName() {
        ParseResult result = parse("[{\"bt\": 1764316800.25, \"v\": 70, \"u\": \"dB\"}]");

        assertThat(result.readings()).containsExactly(reading(1764316800250L, 70.0, "dB"));
    }

    @Test
    void appliesSenmlBaseValueAndLetsLaterBaseFieldsOverrideEarlierOnes() {
        ParseResult result =
                parse(
                        "[{\"bt\": 1764316800, \"bv\": 100, \"bu\": \"dB\", \"v\": -20},"
                                + " {\"t\": 1, \"v\": -10},"
                                + " {\"bt\": 1764316900, \"bv\": 0, \"bu\": \"dBA\", \"v\": 5}]");

        assertThat(result.readings())
                .containsExactly(
                        reading(1764316800000L, 80.0, "dB"),
                        reading(1764316801000L, 90.0, "dB"),
                        reading(1764316900000L, 5.0, "dBA"));
    }

    @Test
    void readsSenmlTimesBelowTwoToThe28AsRelativeToArrival() {
        ParseResult result =
                parse("[{\"n\": \"sound\", \"t\": -5, \"v\": 1}, {\"t\": -0.25, \"v\": 2}]");

        assertThat(result.readings())
                .containsExactly(
                        reading(ARRIVAL - 5000, 1.0, null), reading(ARRIVAL - 250, 2.0, null));
        assertThat(result.stampedOnArrival()).isEqualTo(2);
    }

    @Test
    void readsSmallSenmlBaseTimeAsRelativeToArrival() {
        ParseResult result = parse("[{\"bt\": 10, \"t\": -70, \"v\": 1}]");

        assertThat(result.readings()).containsExactly(reading(ARRIVAL - 60_000, 1.0, null));
        assertThat(result.stampedOnArrival()).isEqualTo(1);
    }

    @Test
    void stampsSenmlRecordWithoutTimeWithArrivalTime() {
        ParseResult result = parse("[{\"n\": \"sound\", \"v\": 64.5}]");

        assertThat(result.readings()).containsExactly(reading(ARRIVAL, 64.5, null));
        assertThat(result.stampedOnArrival()).isEqualTo(1);
    }

    @Test
    void readsSingleSenmlRecordObject() {
        ParseResult result =
                parse("{\"n\": \"sound\", \"u\": \"dB\", \"t\": 1764316800, \"v\": 77}");

        assertThat(result.readings()).containsExactly(reading(1764316800000L, 77.0, "dB"));
    }

    @Test
    void skipsSenmlRecordHoldingOnlyBaseFields() {
        ParseResult result =
                parse("[{\"bn\": \"mic-07/\", \"bt\": 1764316800, \"bu\": \"dB\"}, {\"v\": 60}]");

        assertThat(result.readings()).containsExactly(reading(1764316800000L, 60.0, "dB"));
        assertThat(result.deadLetters()).isEmpty();
    }

    @Test
    void rejectsSenmlPackWithOnlyBaseFields() {
        DeadLetter deadLetter = onlyDeadLetter("[{\"bn\": \"mic-07/\", \"bt\": 1764316800}]");

        assertThat(deadLetter.reason()).isEqualTo("missing-value");
        assertThat(deadLetter.detail()).contains("only base fields");
    }

    @Test
    void rejectsSenmlStringBooleanAndDataValuesAsNonNumeric() {
        ParseResult result =
                parse(
                        "[{\"bt\": 1764316800, \"n\": \"state\", \"vs\": \"on\"},"
                                + " {\"n\": \"open\", \"vb\": true},"
                                + " {\"n\": \"blob\", \"vd\": \"aGk\"},"
                                + " {\"n\": \"sound\", \"v\": 50}]");

        assertThat(result.readings()).containsExactly(reading(1764316800000L, 50.0, null));
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason)
                .containsOnly("non-numeric-value")
                .hasSize(3);
        assertThat(result.deadLetters().get(0).detail())
                .isEqualTo(
                        "SenML record 0: SenML field 'vs' holds a string value, expected a number"
                                + " in 'v'");
        assertThat(result.deadLetters().get(1).detail()).contains("'vb' holds a boolean");
        assertThat(result.deadLetters().get(2).payload())
                .isEqualTo("{\"n\": \"blob\", \"vd\": \"aGk\"}");
    }

    @Test
    void rejectsSenmlRecordWithOnlyASum() {
        DeadLetter deadLetter = onlyDeadLetter("[{\"n\": \"energy\", \"s\": 12.5}]");

        assertThat(deadLetter.reason()).isEqualTo("missing-value");
        assertThat(deadLetter.detail()).isEqualTo("SenML record has only a sum 's', no value 'v'");
    }

    @Test
    void rejectsSenmlRecordWithoutValue() {
        ParseResult result =
                parse("[{\"n\": \"sound\", \"v\": 1}, {\"n\": \"sound\", \"u\": \"dB\"}]");

        assertThat(result.readings()).hasSize(1);
        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo("missing-value");
                            assertThat(d.detail())
                                    .isEqualTo("SenML record 1: SenML record has no value 'v'");
                        });
    }

    @Test
    void rejectsRecordsThatRelyOnAnUnusableSenmlBaseTime() {
        ParseResult result =
                parse(
                        "[{\"bt\": \"yesterday\", \"v\": 1}, {\"v\": 2},"
                                + " {\"bt\": 1764316800, \"v\": 3}]");

        assertThat(result.readings()).containsExactly(reading(1764316800000L, 3.0, null));
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        tuple(
                                "bad-timestamp",
                                "SenML record 0: field 'bt' is a string, expected seconds as a"
                                        + " number"),
                        tuple(
                                "bad-timestamp",
                                "SenML record 1: an earlier record's field 'bt' is a string,"
                                        + " expected seconds as a number"));
    }

    @Test
    void rejectsNonNumericSenmlBaseValueAndNonStringNames() {
        ParseResult result =
                parse("[{\"bv\": \"10\", \"v\": 1}, {\"bv\": 0, \"n\": 5, \"v\": 2}, {\"v\": 3}]");

        assertThat(result.readings()).containsExactly(reading(ARRIVAL, 3.0, null));
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        tuple(
                                "non-numeric-value",
                                "SenML record 0: field 'bv' is a string, expected a number"),
                        tuple(
                                "malformed-json",
                                "SenML record 1: field 'n' is a number, expected a string"));
    }

    @Test
    void rejectsRecordsThatRelyOnAnUnusableSenmlBaseValueOrUnit() {
        ParseResult result =
                parse(
                        "[{\"bv\": \"10\", \"bu\": 7, \"v\": 1}, {\"v\": 2},"
                                + " {\"bv\": 1, \"v\": 3}, {\"bu\": \"dB\", \"v\": 4}]");

        assertThat(result.readings()).containsExactly(reading(ARRIVAL, 5.0, "dB"));
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        tuple(
                                "non-numeric-value",
                                "SenML record 0: field 'bv' is a string, expected a number"),
                        tuple(
                                "non-numeric-value",
                                "SenML record 1: an earlier record's field 'bv' is a string,"
                                        + " expected a number"),
                        tuple(
                                "malformed-json",
                                "SenML record 2: an earlier record's field 'bu' is a number,"
                                        + " expected a string"));
    }

    @Test
    void rejectsNonStringSenmlUnitAndNonFiniteSenmlTime() {
        assertThat(onlyDeadLetter("[{\"u\": [\"dB\"], \"v\": 1}]"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("malformed-json", "field 'u' is an array, expected a string");
        assertThat(onlyDeadLetter("[{\"t\": NaN, \"v\": 1}]"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("bad-timestamp", "field 't' is not a finite number of seconds");
    }

    @Test
    void rejectsSenmlRecordThatIsNotAnObject() {
        ParseResult result = parse("[{\"v\": 1}, \"v\"]");

        assertThat(result.readings()).hasSize(1);
        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo("malformed-json");
                            assertThat(d.detail())
                                    .isEqualTo("SenML record 1 is a string, expected an object");
                            assertThat(d.payload()).isEqualTo("\"v\"");
                        });
    }

    @Test
    void rejectsSenmlTimeOutOfRangeAndBeforeEpoch() {
        ParseResult result =
                parse("[{\"bt\": 1e300, \"v\": 1}, {\"bt\": 0, \"t\": -1e12, \"v\": 2}]");

        assertThat(result.readings()).isEmpty();
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason)
                .containsOnly("bad-timestamp");
        assertThat(result.deadLetters().get(0).detail()).contains("out of range");
        assertThat(result.deadLetters().get(1).detail()).contains("before 1970-01-01");
    }

    @Test
    void rejectsSenmlRecordInTheFuture() {
        DeadLetter deadLetter = onlyDeadLetter("[{\"t\": 3600, \"v\": 1}]");

        assertThat(deadLetter.reason()).isEqualTo("future-timestamp");
        assertThat(deadLetter.detail()).startsWith("SenML time 2025-11-28T09:01:40Z is PT1H after");
    }

    // ---- one test per dead-letter reason

    @Test
    void rejectsSyntaxErrorsAsMalformedJson() {
        DeadLetter deadLetter = onlyDeadLetter("{\"value\": 87.5");

        assertThat(deadLetter.reason()).isEqualTo("malformed-json");
        assertThat(deadLetter.detail())
                .startsWith("payload is not valid JSON: ")
                .contains("line 1");
        assertThat(deadLetter.payload()).isEqualTo("{\"value\": 87.5");
        assertThat(deadLetter.topic()).isEqualTo(TOPIC);
        assertThat(deadLetter.arrivalTime()).isEqualTo(ARRIVAL);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"value\": 1} {\"value\": 2}",
                "87.5 88",
                "{\"value\": 1, \"value\": 2}",
                "{value: 1}",
                "{\"value\": 01}",
                "[1, 2,]",
                "'87.5'"
            })
    void rejectsTrailingTokensDuplicateKeysAndLaxSyntax(String payload) {
        assertThat(onlyDeadLetter(payload).reason()).isEqualTo("malformed-json");
    }

    @Test
    void rejectsInvalidUtf8AsMalformedJson() {
        byte[] payload = {'{', '"', 'u', 'n', 'i', 't', '"', ':', '"', (byte) 0xC3, '"', '}'};

        ParseResult result = parser.parse(new RawMessage(TOPIC, payload, ARRIVAL));

        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo("malformed-json");
                            assertThat(d.detail())
                                    .isEqualTo("payload is not valid UTF-8 (at byte 9 of 12)");
                        });
    }

    @Test
    void rejectsUtf16AndOverlongUtf8ButAcceptsAByteOrderMark() {
        byte[] utf16 = {0, '8', 0, '7'};
        byte[] overlongSlash = {'"', (byte) 0xC0, (byte) 0xAF, '"'};
        byte[] withBom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '8', '7'};

        assertThat(parser.parse(new RawMessage(TOPIC, utf16, ARRIVAL)).deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("malformed-json");
        assertThat(parser.parse(new RawMessage(TOPIC, overlongSlash, ARRIVAL)).deadLetters())
                .extracting(DeadLetter::detail)
                .containsExactly("payload is not valid UTF-8 (at byte 1 of 4)");
        assertThat(parser.parse(new RawMessage(TOPIC, withBom, ARRIVAL)).readings())
                .containsExactly(reading(ARRIVAL, 87.0, null));
    }

    @Test
    void rejectsDeeplyNestedJsonWithoutStackOverflow() {
        String deep = "[".repeat(50_000) + "]".repeat(50_000);

        ParseResult result =
                SensorMessageParser.builder()
                        .setMaxPayloadBytes(1 << 20)
                        .build()
                        .parse(RawMessage.of(TOPIC, deep, ARRIVAL));

        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo("malformed-json");
                            assertThat(d.detail())
                                    .startsWith("payload exceeds the JSON limits: ")
                                    .contains("nesting depth");
                        });
    }

    @Test
    void rejectsOverlongNumberAsMalformedJson() {
        DeadLetter deadLetter = onlyDeadLetter("{\"value\": " + "9".repeat(5000) + "}");

        assertThat(deadLetter.reason()).isEqualTo("malformed-json");
        assertThat(deadLetter.detail()).startsWith("payload exceeds the JSON limits: ");
    }

    @Test
    void rejectsReadingWithoutValueAsMissingValue() {
        DeadLetter deadLetter = onlyDeadLetter("{\"ts\": 1764316800123, \"unit\": \"dB\"}");

        assertThat(deadLetter.reason()).isEqualTo("missing-value");
        assertThat(deadLetter.detail()).isEqualTo("field 'value' is missing");
    }

    @Test
    void rejectsNullValueAndNullPayloadAsMissingValue() {
        assertThat(onlyDeadLetter("{\"value\": null}"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("missing-value", "field 'value' is null");
        assertThat(onlyDeadLetter("null"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        "missing-value",
                        "payload is null, expected a number, an object or an array");
        assertThat(onlyDeadLetter("{}").reason()).isEqualTo("missing-value");
    }

    @Test
    void rejectsNumberInAStringAsNonNumericValue() {
        DeadLetter deadLetter = onlyDeadLetter("{\"ts\": 1764316800123, \"value\": \"87.5\"}");

        assertThat(deadLetter.reason()).isEqualTo("non-numeric-value");
        assertThat(deadLetter.detail()).isEqualTo("field 'value' is a string, expected a number");
    }

    @Test
    void rejectsBooleanObjectAndArrayValuesAsNonNumeric() {
        assertThat(onlyDeadLetter("{\"value\": true}").detail())
                .isEqualTo("field 'value' is a boolean, expected a number");
        assertThat(onlyDeadLetter("{\"value\": {\"v\": 1}}").detail())
                .isEqualTo("field 'value' is an object, expected a number");
        assertThat(onlyDeadLetter("{\"value\": [1]}").detail())
                .isEqualTo("field 'value' is an array, expected a number");
        assertThat(onlyDeadLetter("\"87.5\""))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        "non-numeric-value",
                        "payload is a string, expected a number, an object or an array");
        assertThat(onlyDeadLetter("true").reason()).isEqualTo("non-numeric-value");
    }

    @Test
    void rejectsNonStringUnit() {
        assertThat(onlyDeadLetter("{\"value\": 1, \"unit\": 3}"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("malformed-json", "field 'unit' is a number, expected a string");
    }

    @Test
    void rejectsNanAndInfinityAsNonFiniteValue() {
        assertThat(onlyDeadLetter("{\"value\": NaN}"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        "non-finite-value", "field 'value' is NaN, expected a finite number");
        assertThat(onlyDeadLetter("{\"value\": -Infinity}"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        "non-finite-value",
                        "field 'value' is infinite or too large for a double, expected a finite"
                                + " number");
        assertThat(onlyDeadLetter("Infinity").reason()).isEqualTo("non-finite-value");
        assertThat(onlyDeadLetter("[{\"v\": NaN}]").reason()).isEqualTo("non-finite-value");
    }

    @Test
    void rejectsNumbersBeyondDoubleRangeAsNonFiniteValue() {
        assertThat(onlyDeadLetter("{\"value\": 1e400}").reason()).isEqualTo("non-finite-value");
        assertThat(onlyDeadLetter("{\"value\": " + "9".repeat(400) + "}"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        "non-finite-value",
                        "field 'value' is too large for a double, expected a finite number");
        assertThat(onlyDeadLetter("[{\"bv\": 1e308, \"v\": 1e308}]"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        "non-finite-value",
                        "SenML value 'bv' + 'v' is outside the range of a double");
    }

    @Test
    void rejectsUnparseableTimestampAsBadTimestamp() {
        DeadLetter deadLetter = onlyDeadLetter("{\"ts\": \"yesterday\", \"value\": 1}");

        assertThat(deadLetter.reason()).isEqualTo("bad-timestamp");
        assertThat(deadLetter.detail())
                .isEqualTo(
                        "field 'ts' 'yesterday' is not an ISO-8601 date-time such as"
                                + " 2025-11-28T08:00:00.123Z");
    }

    @Test
    void rejectsIsoTimestampWithoutOffsetAsBadTimestamp() {
        DeadLetter deadLetter = onlyDeadLetter("{\"ts\": \"2025-11-28T08:00:00\", \"value\": 1}");

        assertThat(deadLetter.reason()).isEqualTo("bad-timestamp");
        assertThat(deadLetter.detail()).contains("has no UTC offset");
    }

    @Test
    void rejectsNegativeNonNumericAndHugeTimestamps() {
        assertThat(onlyDeadLetter("{\"ts\": -1, \"value\": 1}"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("bad-timestamp", "field 'ts' -1 is negative, before 1970-01-01");
        assertThat(onlyDeadLetter("{\"ts\": false, \"value\": 1}"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        "bad-timestamp",
                        "field 'ts' is a boolean, expected epoch milliseconds or an ISO-8601"
                                + " string");
        assertThat(onlyDeadLetter("{\"ts\": 1e30, \"value\": 1}").detail())
                .contains("out of range of epoch milliseconds");
        assertThat(onlyDeadLetter("{\"ts\": NaN, \"value\": 1}").reason())
                .isEqualTo("bad-timestamp");
        assertThat(
                        onlyDeadLetter("{\"ts\": \"+999999999-12-31T23:59:59Z\", \"value\": 1}")
                                .reason())
                .isEqualTo("bad-timestamp");
        assertThat(onlyDeadLetter("[{\"t\": \"now\", \"v\": 1}]").reason())
                .isEqualTo("bad-timestamp");
    }

    @Test
    void rejectsTimestampBeyondTheFutureSkewAsFutureTimestamp() {
        long tooLate = ARRIVAL + Duration.ofMinutes(10).toMillis() + 1;

        DeadLetter deadLetter = onlyDeadLetter("{\"ts\": " + tooLate + ", \"value\": 1}");

        assertThat(deadLetter.reason()).isEqualTo("future-timestamp");
        assertThat(deadLetter.detail())
                .isEqualTo(
                        "ts 2025-11-28T08:11:40.001Z is PT10M0.001S after the arrival time"
                                + " 2025-11-28T08:01:40Z, more than the allowed PT10M");
    }

    @Test
    void acceptsTimestampExactlyAtTheFutureSkew() {
        long limit = ARRIVAL + Duration.ofMinutes(10).toMillis();

        assertThat(parse("{\"ts\": " + limit + ", \"value\": 1}").readings())
                .containsExactly(reading(limit, 1.0, null));
    }

    @Test
    void honoursConfiguredFutureSkew() {
        SensorMessageParser strict =
                SensorMessageParser.builder().setMaxFutureSkew(Duration.ZERO).build();

        ParseResult result =
                strict.parse(
                        RawMessage.of(
                                TOPIC, "{\"ts\": " + (ARRIVAL + 1) + ", \"value\": 1}", ARRIVAL));

        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("future-timestamp");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sensors/plant-a/mic-07",
                "sensors/plant-a/mic-07/sound/extra",
                "devices/plant-a/mic-07/sound",
                "sensors//mic-07/sound",
                "sensors/plant-a//sound",
                "sensors/plant-a/mic-07/",
                "/sensors/plant-a/mic-07",
                ""
            })
    void rejectsTopicsNotMatchingTheContractAsBadTopic(String topic) {
        ParseResult result = parser.parse(RawMessage.of(topic, "87.5", ARRIVAL));

        assertThat(result.readings()).isEmpty();
        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo("bad-topic");
                            assertThat(d.topic()).isEqualTo(topic);
                            assertThat(d.payload()).isEqualTo("87.5");
                            assertThat(d.detail())
                                    .contains("expected sensors/{site}/{device}/{metric}");
                        });
    }

    @Test
    void namesTheEmptyTopicLevel() {
        ParseResult result = parser.parse(RawMessage.of("sensors/plant-a//sound", "1", ARRIVAL));

        assertThat(result.deadLetters().get(0).detail())
                .isEqualTo(
                        "topic 'sensors/plant-a//sound' has an empty device level, expected"
                                + " sensors/{site}/{device}/{metric}");
    }

    @Test
    void rejectsMessageWithoutTopicAsBadTopic() {
        ParseResult result = parser.parse(RawMessage.of(null, "87.5", ARRIVAL));

        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(tuple("bad-topic", "message has no topic"));
    }

    @Test
    void rejectsPayloadOverTheLimitAsTooLargeBeforeParsing() {
        SensorMessageParser small = SensorMessageParser.builder().setMaxPayloadBytes(16).build();

        ParseResult result =
                small.parse(
                        RawMessage.of("not/a/valid/topic/at/all", "{ not json at all", ARRIVAL));

        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(tuple("too-large", "payload is 17 bytes, the limit is 16 bytes"));
        assertThat(small.parse(RawMessage.of(TOPIC, "{\"value\": 1.25}", ARRIVAL)).readings())
                .hasSize(1);
    }

    @Test
    void defaultLimitIs64KiB() {
        String padding = " ".repeat(64 * 1024 - 4);

        assertThat(parse("87" + padding + "  ").readings()).hasSize(1);
        assertThat(parse("87" + padding + "   ").deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("too-large");
    }

    @Test
    void rejectsEmptyPayloadsAsEmpty() {
        assertThat(onlyDeadLetter(""))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("empty", "payload is empty");
        assertThat(onlyDeadLetter(" \n\t "))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("empty", "payload is blank");
        assertThat(onlyDeadLetter("[]"))
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly("empty", "payload is an empty array");
        assertThat(parser.parse(new RawMessage(TOPIC, null, ARRIVAL)).deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::payload)
                .containsExactly(tuple("empty", ""));
    }

    @Test
    void turnsNullMessageIntoEmptyDeadLetter() {
        assertThat(parser.parse(null).deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("empty");
    }

    // ---- dead-letter payload

    @Test
    void cutsDeadLetterPayloadTo1KiBWithoutSplittingCharacters() {
        // 'é' is two bytes in UTF-8: 1023 ASCII bytes put the cut in the middle of one.
        String payload = "{" + "x".repeat(1022) + "ééé not json";

        DeadLetter deadLetter = onlyDeadLetter(payload);

        assertThat(deadLetter.reason()).isEqualTo("malformed-json");
        assertThat(deadLetter.payload()).isEqualTo("{" + "x".repeat(1022));
        assertThat(deadLetter.payload().getBytes(StandardCharsets.UTF_8)).hasSize(1023);
        assertThat(
                        onlyDeadLetter("[" + "1".repeat(2000) + ",]")
                                .payload()
                                .getBytes(StandardCharsets.UTF_8))
                .hasSize(DeadLetter.MAX_PAYLOAD_BYTES);
    }

    @Test
    void keepsDeadLetterPayloadOfInvalidUtf8Within1KiB() {
        byte[] payload = new byte[2000];
        java.util.Arrays.fill(payload, (byte) 0xFF);

        DeadLetter deadLetter =
                parser.parse(new RawMessage(TOPIC, payload, ARRIVAL)).deadLetters().get(0);

        assertThat(deadLetter.reason()).isEqualTo("malformed-json");
        // Each invalid byte decodes to U+FFFD (3 bytes): 341 of them fit in 1 KiB.
        assertThat(deadLetter.payload()).isEqualTo("\uFFFD".repeat(341));
    }

    // ---- construction

    @Test
    void readsSettingsFromFlinkConfiguration() {
        Configuration config = new Configuration();
        config.set(ParserOptions.MAX_PAYLOAD_SIZE, MemorySize.parse("1kb"));
        config.set(ParserOptions.MAX_FUTURE_SKEW, Duration.ofSeconds(30));

        SensorMessageParser configured = SensorMessageParser.builder().setConfig(config).build();

        assertThat(configured.maxPayloadBytes()).isEqualTo(1024);
        assertThat(configured.maxFutureSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parser.maxPayloadBytes()).isEqualTo(64 * 1024);
        assertThat(parser.maxFutureSkew()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void rejectsNonPositivePayloadLimitNamingTheSetting() {
        assertThatThrownBy(() -> SensorMessageParser.builder().setMaxPayloadBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parser.max-payload-size must be positive, was 0 bytes");
    }

    @Test
    void rejectsNegativeOrMissingFutureSkewNamingTheSetting() {
        assertThatThrownBy(
                        () ->
                                SensorMessageParser.builder()
                                        .setMaxFutureSkew(Duration.ofSeconds(-1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parser.max-future-skew must be zero or positive, was PT-1S");
        assertThatThrownBy(() -> SensorMessageParser.builder().setMaxFutureSkew(null).build())
                .hasMessageContaining("parser.max-future-skew");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        SensorMessageParser copy =
                InstantiationUtil.clone(
                        SensorMessageParser.builder().setMaxPayloadBytes(100).build(),
                        getClass().getClassLoader());

        assertThat(copy.maxPayloadBytes()).isEqualTo(100);
        assertThat(copy.parse(RawMessage.of(TOPIC, "1", ARRIVAL)).readings()).hasSize(1);
    }

    @Test
    void parseResultRejectsMoreArrivalStampsThanReadings() {
        assertThatThrownBy(() -> new ParseResult(List.of(), List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stampedOnArrival");
    }
}
