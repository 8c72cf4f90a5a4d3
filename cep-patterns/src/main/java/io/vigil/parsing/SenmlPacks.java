package io.vigil.parsing;

import static io.vigil.parsing.JsonFields.describe;
import static io.vigil.parsing.JsonFields.number;
import static io.vigil.parsing.JsonFields.seconds;
import static io.vigil.parsing.JsonFields.shortNumber;
import static io.vigil.parsing.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.model.DeadLetterReason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads SenML (RFC 8428) packs: base fields carry from record to record, times below 2^28 s are
 * relative to the arrival time, {@code n} names the metric.
 */
final class SenmlPacks {

    /** SenML times below 2^28 seconds are relative to the current (arrival) time, RFC 8428. */
    private static final BigDecimal RELATIVE_LIMIT = BigDecimal.valueOf(1L << 28);

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private static final Set<String> KEYS =
            Set.of(
                    "bn", "bt", "bu", "bv", "bs", "bver", "n", "u", "v", "vs", "vb", "vd", "s", "t",
                    "ut");

    /**
     * The SenML value fields Vigil cannot use, in the order they are looked for, and their type.
     */
    private static final String[][] OTHER_VALUES = {
        {"vs", "a string"}, {"vb", "a boolean"}, {"vd", "a data"}
    };

    private SenmlPacks() {}

    /** A single object read as SenML: it has SenML fields and none of the plain reading's. */
    static boolean isRecord(JsonNode object) {
        if (object.has("value") || object.has("ts")) {
            return false;
        }
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            if (KEYS.contains(names.next())) {
                return true;
            }
        }
        return false;
    }

    /**
     * An array is SenML when some record has SenML fields and no record has the plain reading's;
     * judged on the whole pack because SenML base fields carry from record to record.
     */
    static boolean isPack(List<JsonNode> elements) {
        boolean senml = false;
        for (JsonNode element : elements) {
            if (element.isObject()) {
                if (element.has("value") || element.has("ts")) {
                    return false;
                }
                senml |= isRecord(element);
            }
        }
        return senml;
    }

    /** A SenML pack: base fields apply to their record and all records after it. */
    static void read(
            List<JsonNode> records,
            List<byte[]> recordPayloads,
            byte[] payload,
            MessageResults results) {
        SenmlBase base = new SenmlBase();
        int before = results.size();
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            byte[] recordPayload = recordPayloads.get(i);
            String where = records.size() == 1 ? "" : String.format("SenML record %d: ", i);
            if (!record.isObject()) {
                results.dead(
                        DeadLetterReason.MALFORMED_JSON,
                        recordPayload,
                        String.format(
                                "SenML record %d is %s, expected an object", i, describe(record)));
                continue;
            }
            try {
                base.update(record);
                record(record, base, results);
            } catch (Rejection r) {
                results.dead(r, recordPayload, where);
            }
        }
        if (results.size() == before) {
            results.dead(
                    DeadLetterReason.MISSING_VALUE,
                    payload,
                    "SenML pack has only base fields, no record with a value 'v'");
        }
    }

    private static void record(JsonNode record, SenmlBase base, MessageResults results)
            throws Rejection {
        JsonNode v = record.get("v");
        if (v == null) {
            rejectRecordWithoutValue(record);
            return;
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
        boolean relative = time.compareTo(RELATIVE_LIMIT) < 0;
        try {
            long millis =
                    time.multiply(THOUSAND).setScale(0, RoundingMode.HALF_UP).longValueExact();
            timestamp = relative ? Math.addExact(results.arrivalTime(), millis) : millis;
        } catch (ArithmeticException e) {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format(
                            "SenML time 'bt' + 't' = %s s is out of range", shortNumber(time)));
        }
        if (timestamp < 0) {
            throw new Rejection(
                    DeadLetterReason.BAD_TIMESTAMP,
                    String.format("SenML time resolves to %d ms, before 1970-01-01", timestamp));
        }
        results.checkFuture(timestamp, "SenML time");
        results.reading(name, timestamp, value, unit, relative);
    }

    /** Returns for a record of base fields only, which is skipped; rejects any other. */
    private static void rejectRecordWithoutValue(JsonNode record) throws Rejection {
        for (String[] other : OTHER_VALUES) {
            if (record.has(other[0])) {
                throw new Rejection(
                        DeadLetterReason.NON_NUMERIC_VALUE,
                        String.format(
                                "SenML field '%s' holds %s value, expected a number in 'v'",
                                other[0], other[1]));
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
        throw new Rejection(DeadLetterReason.MISSING_VALUE, "SenML record has no value 'v'");
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
}
