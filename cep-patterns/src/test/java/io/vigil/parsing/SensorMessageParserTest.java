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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.InstantiationUtil;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SensorMessageParser} case by case: each payload form and each dead-letter reason is a
 * table, one row per case, payload in and readings or dead letters out.
 */
class SensorMessageParserTest {

    private static final String TOPIC = "sensors/plant-a/mic-07/sound";

    /** 2025-11-28T08:01:40Z. */
    private static final long ARRIVAL = 1764316900000L;

    private static final long FUTURE_LIMIT = ARRIVAL + Duration.ofMinutes(10).toMillis();

    private static final String EXPECTED_TOPIC = "expected sensors/{site}/{device}/{metric}";

    private final SensorMessageParser parser = SensorMessageParser.withDefaults();

    private ParseResult parse(String payload) {
        return parser.parse(RawMessage.of(TOPIC, payload, ARRIVAL));
    }

    private static SensorReading reading(long ts, double value, String unit) {
        return new SensorReading("plant-a", "mic-07", "sound", ts, value, unit);
    }

    private static SensorReading reading(String metric, long ts, double value, String unit) {
        return new SensorReading("plant-a", "mic-07", metric, ts, value, unit);
    }

    private DeadLetter onlyDeadLetter(String payload) {
        ParseResult result = parse(payload);
        assertThat(result.readings()).isEmpty();
        assertThat(result.deadLetters()).hasSize(1);
        return result.deadLetters().get(0);
    }

    // ---- accepted payloads: readings out, no dead letter

    /** A payload, the readings it gives and how many of them are stamped on arrival. */
    record Accepted(String name, String payload, List<SensorReading> readings, int stamped) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Accepted> plainReadings() {
        long utc = Instant.parse("2025-11-28T08:00:00.123Z").toEpochMilli();
        return Stream.of(
                new Accepted(
                        "epoch millis and unit",
                        "{\"ts\": 1764316800123, \"value\": 87.5, \"unit\": \"dB\"}",
                        List.of(reading(1764316800123L, 87.5, "dB")),
                        0),
                new Accepted(
                        "no unit, unknown fields ignored",
                        "{\"ts\": 1764316800123, \"value\": -3, \"battery\": {\"pct\": 80}}",
                        List.of(reading(1764316800123L, -3.0, null)),
                        0),
                new Accepted(
                        "no ts: stamped on arrival",
                        "{\"value\": 87.5, \"unit\": \"dB\"}",
                        List.of(reading(ARRIVAL, 87.5, "dB")),
                        1),
                new Accepted(
                        "null ts as absent",
                        "{\"ts\": null, \"value\": 1.5}",
                        List.of(reading(ARRIVAL, 1.5, null)),
                        1),
                new Accepted(
                        "ISO-8601 in UTC",
                        "{\"ts\": \"2025-11-28T08:00:00.123Z\", \"value\": 87.5}",
                        List.of(reading(utc, 87.5, null)),
                        0),
                new Accepted(
                        "ISO-8601 with a positive offset",
                        "{\"ts\": \"2025-11-28T09:00:00.123+01:00\", \"value\": 1}",
                        List.of(reading(utc, 1.0, null)),
                        0),
                new Accepted(
                        "ISO-8601 with a negative offset",
                        "{\"ts\": \"2025-11-28T03:30:00.123-04:30\", \"value\": 1}",
                        List.of(reading(utc, 1.0, null)),
                        0),
                new Accepted(
                        "fractional epoch millis floored",
                        "{\"ts\": 1764316800123.9, \"value\": 1}",
                        List.of(reading(1764316800123L, 1.0, null)),
                        0),
                new Accepted(
                        "ts exactly at the future skew",
                        "{\"ts\": " + FUTURE_LIMIT + ", \"value\": 1}",
                        List.of(reading(FUTURE_LIMIT, 1.0, null)),
                        0),
                new Accepted(
                        "bare number on arrival", "87.5", List.of(reading(ARRIVAL, 87.5, null)), 1),
                new Accepted(
                        "bare integer with whitespace",
                        "  42\n",
                        List.of(reading(ARRIVAL, 42.0, null)),
                        1),
                new Accepted(
                        "array of readings",
                        "[{\"ts\": 1764316800000, \"value\": 80, \"unit\": \"dB\"},"
                                + " {\"ts\": 1764316801000, \"value\": 81.5, \"unit\": \"dB\"},"
                                + " {\"value\": 82}]",
                        List.of(
                                reading(1764316800000L, 80.0, "dB"),
                                reading(1764316801000L, 81.5, "dB"),
                                reading(ARRIVAL, 82.0, null)),
                        1));
    }

    static Stream<Accepted> senmlPacks() {
        return Stream.of(
                new Accepted(
                        "SenML: base fields, metric named by n",
                        "[{\"bn\": \"urn:dev:mic-07:\", \"bt\": 1764316800, \"bu\": \"dB\", \"n\":"
                            + " \"sound\", \"v\": 80}, {\"n\": \"peak\", \"t\": 1.5, \"v\": 91.25},"
                            + " {\"n\": \"temperature\", \"u\": \"Cel\", \"t\": 2, \"v\": 21}]",
                        List.of(
                                reading("sound", 1764316800000L, 80, "dB"),
                                reading("peak", 1764316801500L, 91.25, "dB"),
                                reading("temperature", 1764316802000L, 21, "Cel")),
                        0),
                new Accepted(
                        "SenML: no n: the topic's metric",
                        "[{\"bt\": 1764316800.25, \"v\": 70, \"u\": \"dB\"}]",
                        List.of(reading(1764316800250L, 70.0, "dB")),
                        0),
                new Accepted(
                        "SenML: base value applied, later base fields override earlier ones",
                        "[{\"bt\": 1764316800, \"bv\": 100, \"bu\": \"dB\", \"v\": -20},"
                                + " {\"t\": 1, \"v\": -10},"
                                + " {\"bt\": 1764316900, \"bv\": 0, \"bu\": \"dBA\", \"v\": 5}]",
                        List.of(
                                reading(1764316800000L, 80.0, "dB"),
                                reading(1764316801000L, 90.0, "dB"),
                                reading(1764316900000L, 5.0, "dBA")),
                        0),
                new Accepted(
                        "SenML: times below 2^28 s relative to arrival",
                        "[{\"n\": \"sound\", \"t\": -5, \"v\": 1}, {\"t\": -0.25, \"v\": 2}]",
                        List.of(
                                reading(ARRIVAL - 5000, 1.0, null),
                                reading(ARRIVAL - 250, 2.0, null)),
                        2),
                new Accepted(
                        "SenML: small base time relative to arrival",
                        "[{\"bt\": 10, \"t\": -70, \"v\": 1}]",
                        List.of(reading(ARRIVAL - 60_000, 1.0, null)),
                        1),
                new Accepted(
                        "SenML: no time: stamped on arrival",
                        "[{\"n\": \"sound\", \"v\": 64.5}]",
                        List.of(reading(ARRIVAL, 64.5, null)),
                        1),
                new Accepted(
                        "SenML: single record as an object",
                        "{\"n\": \"sound\", \"u\": \"dB\", \"t\": 1764316800, \"v\": 77}",
                        List.of(reading(1764316800000L, 77.0, "dB")),
                        0),
                new Accepted(
                        "SenML: record of base fields only skipped",
                        "[{\"bn\": \"mic-07/\", \"bt\": 1764316800, \"bu\": \"dB\"}, {\"v\": 60}]",
                        List.of(reading(1764316800000L, 60.0, "dB")),
                        0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"plainReadings", "senmlPacks"})
    void readsEveryPayloadForm(Accepted accepted) {
        ParseResult result = parse(accepted.payload());

        assertThat(result.readings()).containsExactlyElementsOf(accepted.readings());
        assertThat(result.deadLetters()).isEmpty();
        assertThat(result.stampedOnArrival()).isEqualTo(accepted.stamped());
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

    // ---- rejected payloads: exactly one dead letter, no reading

    /** A payload that gives one dead letter with this reason and detail, and no reading. */
    record Rejected(String payload, String reason, String detail) {
        @Override
        public String toString() {
            String shown = payload.length() <= 60 ? payload : payload.substring(0, 60) + "...";
            return reason + " <- " + shown.replace("\n", "\\n");
        }
    }

    @ParameterizedTest(name = "{1} <- {0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            textBlock =
                    """
                    # the plain reading form
                    {"ts": 1764316800123, "unit": "dB"}              | missing-value     | field 'value' is missing
                    {}                                               | missing-value     | field 'value' is missing
                    {"value": null}                                  | missing-value     | field 'value' is null
                    {"ts": 1764316800123, "value": "87.5"}           | non-numeric-value | field 'value' is a string, expected a number
                    {"value": true}                                  | non-numeric-value | field 'value' is a boolean, expected a number
                    {"value": {"v": 1}}                              | non-numeric-value | field 'value' is an object, expected a number
                    {"value": [1]}                                   | non-numeric-value | field 'value' is an array, expected a number
                    {"value": NaN}                                   | non-finite-value  | field 'value' is NaN, expected a finite number
                    {"value": -Infinity}                             | non-finite-value  | field 'value' is infinite or too large for a double, expected a finite number
                    {"value": 1e400}                                 | non-finite-value  | field 'value' is infinite or too large for a double, expected a finite number
                    {"value": 1, "unit": 3}                          | malformed-json    | field 'unit' is a number, expected a string
                    {"ts": "yesterday", "value": 1}                  | bad-timestamp     | field 'ts' 'yesterday' is not an ISO-8601 date-time such as 2025-11-28T08:00:00.123Z
                    {"ts": "2025-11-28T08:00:00", "value": 1}        | bad-timestamp     | field 'ts' '2025-11-28T08:00:00' has no UTC offset (add Z or +01:00)
                    {"ts": "+999999999-12-31T23:59:59Z", "value": 1} | bad-timestamp     | field 'ts' '+999999999-12-31T23:59:59Z' is not an ISO-8601 date-time such as 2025-11-28T08:00:00.123Z
                    {"ts": -1, "value": 1}                           | bad-timestamp     | field 'ts' -1 is negative, before 1970-01-01
                    {"ts": false, "value": 1}                        | bad-timestamp     | field 'ts' is a boolean, expected epoch milliseconds or an ISO-8601 string
                    {"ts": 1e30, "value": 1}                         | bad-timestamp     | field 'ts' 1.0E+30 is out of range of epoch milliseconds
                    {"ts": NaN, "value": 1}                          | bad-timestamp     | field 'ts' is not a finite number of epoch milliseconds
                    {"ts": 1764317500001, "value": 1}                | future-timestamp  | ts 2025-11-28T08:11:40.001Z is PT10M0.001S after the arrival time 2025-11-28T08:01:40Z, more than the allowed PT10M
                    # no reading form at all: empty, or the wrong JSON type
                    ``                                               | empty             | payload is empty
                    []                                               | empty             | payload is an empty array
                    null                                             | missing-value     | payload is null, expected a number, an object or an array
                    "87.5"                                           | non-numeric-value | payload is a string, expected a number, an object or an array
                    true                                             | non-numeric-value | payload is a boolean, expected a number, an object or an array
                    Infinity                                         | non-finite-value  | payload is infinite or too large for a double, expected a finite number
                    # SenML packs whose records give nothing
                    [{"bn": "mic-07/", "bt": 1764316800}]            | missing-value     | SenML pack has only base fields, no record with a value 'v'
                    [{"n": "energy", "s": 12.5}]                     | missing-value     | SenML record has only a sum 's', no value 'v'
                    [{"v": NaN}]                                     | non-finite-value  | field 'v' is NaN, expected a finite number
                    [{"bv": 1e308, "v": 1e308}]                      | non-finite-value  | SenML value 'bv' + 'v' is outside the range of a double
                    [{"u": ["dB"], "v": 1}]                          | malformed-json    | field 'u' is an array, expected a string
                    [{"t": NaN, "v": 1}]                             | bad-timestamp     | field 't' is not a finite number of seconds
                    [{"t": "now", "v": 1}]                           | bad-timestamp     | field 't' is a string, expected seconds as a number
                    [{"t": 3600, "v": 1}]                            | future-timestamp  | SenML time 2025-11-28T09:01:40Z is PT1H after the arrival time 2025-11-28T08:01:40Z, more than the allowed PT10M
                    """)
    void rejectsEachBadPayloadWithItsReasonAndDetail(String payload, String reason, String detail) {
        assertRejected(new Rejected(payload, reason, detail));
    }

    /** Payloads a text block cannot hold: white space only, or too long to read. */
    static Stream<Rejected> rejectedGeneratedPayloads() {
        return Stream.of(
                new Rejected(" \n\t ", "empty", "payload is blank"),
                new Rejected(
                        "{\"value\": " + "9".repeat(400) + "}",
                        "non-finite-value",
                        "field 'value' is too large for a double, expected a finite number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedGeneratedPayloads")
    void rejectsGeneratedPayloads(Rejected rejected) {
        assertRejected(rejected);
    }

    private void assertRejected(Rejected rejected) {
        DeadLetter deadLetter = onlyDeadLetter(rejected.payload());

        assertThat(deadLetter.reason()).isEqualTo(rejected.reason());
        assertThat(deadLetter.detail()).isEqualTo(rejected.detail());
        assertThat(deadLetter.topic()).isEqualTo(TOPIC);
        assertThat(deadLetter.arrivalTime()).isEqualTo(ARRIVAL);
        // The whole payload, or for a pack the exact text of the record at fault.
        assertThat(rejected.payload()).contains(deadLetter.payload());
    }

    // ---- arrays and packs judged record by record: readings and dead letters side by side

    /** An array payload: the readings of its good elements, a dead letter for each bad one. */
    record Mixed(
            String name,
            String payload,
            List<SensorReading> readings,
            int stamped,
            List<Tuple> deadLetters) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A dead letter as (reason, payload, detail). */
    private static Tuple dead(String reason, String payload, String detail) {
        return tuple(reason, payload, detail);
    }

    static Stream<Mixed> mixedArrays() {
        return Stream.of(
                new Mixed(
                        "each array element judged on its own",
                        "[{\"ts\": 1764316800000, \"value\": 80},"
                                + " {\"ts\": 1764316801000, \"value\": \"81\"},"
                                + " 7,"
                                + " {\"ts\": 1764316802000, \"value\": 82},"
                                + " {\"ts\": true, \"value\": 83}]",
                        List.of(
                                reading(1764316800000L, 80.0, null),
                                reading(1764316802000L, 82.0, null)),
                        0,
                        List.of(
                                dead(
                                        "non-numeric-value",
                                        "{\"ts\": 1764316801000, \"value\": \"81\"}",
                                        "element 1: field 'value' is a string, expected a number"),
                                dead(
                                        "malformed-json",
                                        "7",
                                        "element 2 is a number, expected an object"),
                                dead(
                                        "bad-timestamp",
                                        "{\"ts\": true, \"value\": 83}",
                                        "element 4: field 'ts' is a boolean, expected epoch"
                                                + " milliseconds or an ISO-8601 string"))),
                new Mixed(
                        "exact bytes of each bad element",
                        "[ {\"value\" : \"x\", \"meta\": {\"tags\": [1, 2.50]}} ,\n"
                                + "  \"é\\\"\", 1e400 , {\"value\": 1}]",
                        List.of(reading(ARRIVAL, 1.0, null)),
                        1,
                        List.of(
                                dead(
                                        "non-numeric-value",
                                        "{\"value\" : \"x\", \"meta\": {\"tags\": [1, 2.50]}}",
                                        "element 0: field 'value' is a string, expected a number"),
                                dead(
                                        "malformed-json",
                                        "\"é\\\"\"",
                                        "element 1 is a string, expected an object"),
                                dead(
                                        "malformed-json",
                                        "1e400",
                                        "element 2 is a number, expected an object"))),
                new Mixed(
                        "SenML string, boolean and data values",
                        "[{\"bt\": 1764316800, \"n\": \"state\", \"vs\": \"on\"},"
                                + " {\"n\": \"open\", \"vb\": true},"
                                + " {\"n\": \"blob\", \"vd\": \"aGk\"},"
                                + " {\"n\": \"sound\", \"v\": 50}]",
                        List.of(reading(1764316800000L, 50.0, null)),
                        0,
                        List.of(
                                dead(
                                        "non-numeric-value",
                                        "{\"bt\": 1764316800, \"n\": \"state\", \"vs\": \"on\"}",
                                        "SenML record 0: SenML field 'vs' holds a string value,"
                                                + " expected a number in 'v'"),
                                dead(
                                        "non-numeric-value",
                                        "{\"n\": \"open\", \"vb\": true}",
                                        "SenML record 1: SenML field 'vb' holds a boolean value,"
                                                + " expected a number in 'v'"),
                                dead(
                                        "non-numeric-value",
                                        "{\"n\": \"blob\", \"vd\": \"aGk\"}",
                                        "SenML record 2: SenML field 'vd' holds a data value,"
                                                + " expected a number in 'v'"))),
                new Mixed(
                        "SenML record without a value",
                        "[{\"n\": \"sound\", \"v\": 1}, {\"n\": \"sound\", \"u\": \"dB\"}]",
                        List.of(reading(ARRIVAL, 1.0, null)),
                        1,
                        List.of(
                                dead(
                                        "missing-value",
                                        "{\"n\": \"sound\", \"u\": \"dB\"}",
                                        "SenML record 1: SenML record has no value 'v'"))),
                new Mixed(
                        "SenML records relying on an unusable base time",
                        "[{\"bt\": \"yesterday\", \"v\": 1}, {\"v\": 2},"
                                + " {\"bt\": 1764316800, \"v\": 3}]",
                        List.of(reading(1764316800000L, 3.0, null)),
                        0,
                        List.of(
                                dead(
                                        "bad-timestamp",
                                        "{\"bt\": \"yesterday\", \"v\": 1}",
                                        "SenML record 0: field 'bt' is a string, expected seconds"
                                                + " as a number"),
                                dead(
                                        "bad-timestamp",
                                        "{\"v\": 2}",
                                        "SenML record 1: an earlier record's field 'bt' is a"
                                                + " string, expected seconds as a number"))),
                new Mixed(
                        "SenML non-numeric base value and non-string name",
                        "[{\"bv\": \"10\", \"v\": 1}, {\"bv\": 0, \"n\": 5, \"v\": 2}, {\"v\": 3}]",
                        List.of(reading(ARRIVAL, 3.0, null)),
                        1,
                        List.of(
                                dead(
                                        "non-numeric-value",
                                        "{\"bv\": \"10\", \"v\": 1}",
                                        "SenML record 0: field 'bv' is a string, expected a"
                                                + " number"),
                                dead(
                                        "malformed-json",
                                        "{\"bv\": 0, \"n\": 5, \"v\": 2}",
                                        "SenML record 1: field 'n' is a number, expected a"
                                                + " string"))),
                new Mixed(
                        "SenML records relying on an unusable base value or unit",
                        "[{\"bv\": \"10\", \"bu\": 7, \"v\": 1}, {\"v\": 2},"
                                + " {\"bv\": 1, \"v\": 3}, {\"bu\": \"dB\", \"v\": 4}]",
                        List.of(reading(ARRIVAL, 5.0, "dB")),
                        1,
                        List.of(
                                dead(
                                        "non-numeric-value",
                                        "{\"bv\": \"10\", \"bu\": 7, \"v\": 1}",
                                        "SenML record 0: field 'bv' is a string, expected a"
                                                + " number"),
                                dead(
                                        "non-numeric-value",
                                        "{\"v\": 2}",
                                        "SenML record 1: an earlier record's field 'bv' is a"
                                                + " string, expected a number"),
                                dead(
                                        "malformed-json",
                                        "{\"bv\": 1, \"v\": 3}",
                                        "SenML record 2: an earlier record's field 'bu' is a"
                                                + " number, expected a string"))),
                new Mixed(
                        "SenML record that is not an object",
                        "[{\"v\": 1}, \"v\"]",
                        List.of(reading(ARRIVAL, 1.0, null)),
                        1,
                        List.of(
                                dead(
                                        "malformed-json",
                                        "\"v\"",
                                        "SenML record 1 is a string, expected an object"))),
                new Mixed(
                        "SenML time out of range and before the epoch",
                        "[{\"bt\": 1e300, \"v\": 1}, {\"bt\": 0, \"t\": -1e12, \"v\": 2}]",
                        List.of(),
                        0,
                        List.of(
                                dead(
                                        "bad-timestamp",
                                        "{\"bt\": 1e300, \"v\": 1}",
                                        "SenML record 0: SenML time 'bt' + 't' = 1"
                                                + "0".repeat(63)
                                                + "... s is out of range"),
                                dead(
                                        "bad-timestamp",
                                        "{\"bt\": 0, \"t\": -1e12, \"v\": 2}",
                                        "SenML record 1: SenML time resolves to -998235683100000"
                                                + " ms, before 1970-01-01"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mixedArrays")
    void judgesEachElementOfAnArrayOnItsOwn(Mixed mixed) {
        ParseResult result = parse(mixed.payload());

        assertThat(result.readings()).containsExactlyElementsOf(mixed.readings());
        assertThat(result.stampedOnArrival()).isEqualTo(mixed.stamped());
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::payload, DeadLetter::detail)
                .containsExactlyElementsOf(mixed.deadLetters());
        assertThat(result.deadLetters())
                .allSatisfy(
                        d -> {
                            assertThat(d.topic()).isEqualTo(TOPIC);
                            assertThat(d.arrivalTime()).isEqualTo(ARRIVAL);
                        });
    }

    // ---- JSON the parser will not read: details quote Jackson, so only their frame is fixed

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
        DeadLetter deadLetter = onlyDeadLetter(payload);

        assertThat(deadLetter.reason()).isEqualTo("malformed-json");
        assertThat(deadLetter.detail()).startsWith("payload is not valid JSON: ");
        assertThat(deadLetter.payload()).isEqualTo(payload);
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

    // ---- the envelope: encoding, topic, size, presence

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of(
                        new byte[] {
                            '{', '"', 'u', 'n', 'i', 't', '"', ':', '"', (byte) 0xC3, '"', '}'
                        },
                        "payload is not valid UTF-8 (at byte 9 of 12)"),
                Arguments.of(
                        new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'},
                        "payload is not valid UTF-8 (at byte 1 of 4)"));
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void rejectsInvalidAndOverlongUtf8AsMalformedJson(byte[] payload, String detail) {
        ParseResult result = parser.parse(new RawMessage(TOPIC, payload, ARRIVAL));

        assertThat(result.readings()).isEmpty();
        assertThat(result.deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(tuple("malformed-json", detail));
    }

    @Test
    void rejectsUtf16ButAcceptsAByteOrderMark() {
        byte[] utf16 = {0, '8', 0, '7'};
        byte[] withBom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '8', '7'};

        assertThat(parser.parse(new RawMessage(TOPIC, utf16, ARRIVAL)).deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("malformed-json");
        assertThat(parser.parse(new RawMessage(TOPIC, withBom, ARRIVAL)).readings())
                .containsExactly(reading(ARRIVAL, 87.0, null));
    }

    static Stream<Arguments> badTopics() {
        return Stream.of(
                Arguments.of("sensors/plant-a/mic-07", "has 3 levels"),
                Arguments.of("sensors/plant-a/mic-07/sound/extra", "has 5 levels"),
                Arguments.of("devices/plant-a/mic-07/sound", "does not start with 'sensors'"),
                Arguments.of("sensors//mic-07/sound", "has an empty site level"),
                Arguments.of("sensors/plant-a//sound", "has an empty device level"),
                Arguments.of("sensors/plant-a/mic-07/", "has an empty metric level"),
                Arguments.of("/sensors/plant-a/mic-07", "does not start with 'sensors'"),
                Arguments.of("", "has 1 levels"));
    }

    @ParameterizedTest(name = "''{0}'' {1}")
    @MethodSource("badTopics")
    void rejectsTopicsNotMatchingTheContractAsBadTopic(String topic, String problem) {
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
                                    .isEqualTo(
                                            String.format(
                                                    "topic '%s' %s, %s",
                                                    topic, problem, EXPECTED_TOPIC));
                        });
    }

    @Test
    void cutsALongTopicInTheDetail() {
        String topic = "sensors/" + "x".repeat(80) + "/a";

        assertThat(parser.parse(RawMessage.of(topic, "1", ARRIVAL)).deadLetters())
                .extracting(DeadLetter::topic, DeadLetter::detail)
                .containsExactly(
                        tuple(
                                topic,
                                String.format(
                                        "topic '%s...' has 3 levels, %s",
                                        topic.substring(0, 64), EXPECTED_TOPIC)));
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
    void turnsMessageWithoutPayloadIntoEmptyDeadLetter() {
        assertThat(parser.parse(new RawMessage(TOPIC, null, ARRIVAL)).deadLetters())
                .extracting(DeadLetter::reason, DeadLetter::payload, DeadLetter::detail)
                .containsExactly(tuple("empty", "", "payload is empty"));
    }

    @Test
    void turnsNullMessageIntoEmptyDeadLetter() {
        assertThat(parser.parse(null).deadLetters())
                .extracting(DeadLetter::reason)
                .containsExactly("empty");
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
        Arrays.fill(payload, (byte) 0xFF);

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
