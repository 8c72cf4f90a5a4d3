package io.vigil.parsing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.model.DeadLetterReason;
import java.math.BigDecimal;

/**
 * Reads one typed field of a decoded JSON object, or says in a {@link Rejection} why it cannot;
 * shared by every payload form so that the same fault reads the same in each.
 */
final class JsonFields {

    private static final int MAX_QUOTED_CHARS = 64;

    private JsonFields() {}

    /** A required finite number field. */
    static double number(JsonNode object, String field) throws Rejection {
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

    static double finite(JsonNode node, String what) throws Rejection {
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
    static String text(JsonNode object, String field) throws Rejection {
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
    static BigDecimal seconds(JsonNode object, String field) throws Rejection {
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

    /** The text, cut to a length that keeps a detail readable when a device sends a novel. */
    static String quote(String text) {
        return text.length() <= MAX_QUOTED_CHARS
                ? text
                : text.substring(0, MAX_QUOTED_CHARS) + "...";
    }

    static String shortNumber(BigDecimal number) {
        return quote(number.toString());
    }
}
