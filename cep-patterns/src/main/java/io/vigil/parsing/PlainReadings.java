package io.vigil.parsing;

import static io.vigil.parsing.JsonFields.describe;
import static io.vigil.parsing.JsonFields.finite;
import static io.vigil.parsing.JsonFields.number;
import static io.vigil.parsing.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.model.DeadLetterReason;
import java.util.List;

/**
 * Reads the plain payload forms: one reading {@code {"ts": ..., "value": ..., "unit": ...}}, an
 * array of them, each judged on its own, and a bare number stamped with the arrival time.
 */
final class PlainReadings {

    private PlainReadings() {}

    static void bareNumber(JsonNode number, byte[] payload, MessageResults results) {
        try {
            double value = finite(number, "payload");
            results.reading(null, results.arrivalTime(), value, null, true);
        } catch (Rejection r) {
            results.dead(r.reason, payload, r.getMessage());
        }
    }

    /** One plain reading; {@code where} prefixes its dead letter's detail. */
    static void reading(JsonNode object, byte[] payload, String where, MessageResults results) {
        try {
            double value = number(object, "value");
            String unit = text(object, "unit");
            JsonNode ts = object.get("ts");
            long timestamp;
            boolean onArrival = ts == null || ts.isNull();
            if (onArrival) {
                timestamp = results.arrivalTime();
            } else {
                timestamp = results.checkFuture(Timestamps.epochMillis(ts), "ts");
            }
            results.reading(null, timestamp, value, unit, onArrival);
        } catch (Rejection r) {
            results.dead(r, payload, where);
        }
    }

    /** The elements of an array of plain readings, each with the exact bytes it was sent as. */
    static void array(List<JsonNode> elements, List<byte[]> slices, MessageResults results) {
        for (int i = 0; i < elements.size(); i++) {
            JsonNode element = elements.get(i);
            byte[] elementPayload = slices.get(i);
            if (element.isObject()) {
                reading(element, elementPayload, String.format("element %d: ", i), results);
            } else {
                results.dead(
                        DeadLetterReason.MALFORMED_JSON,
                        elementPayload,
                        String.format(
                                "element %d is %s, expected an object", i, describe(element)));
            }
        }
    }
}
