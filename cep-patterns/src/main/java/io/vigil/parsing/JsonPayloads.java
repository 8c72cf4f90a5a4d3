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
import io.vigil.model.DeadLetterReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a payload's text into a JSON tree, strictly (no trailing tokens, no duplicate keys, a
 * bounded depth), and cuts an array back into the exact text of each element.
 */
final class JsonPayloads {

    /**
     * A reading is at most two levels deep (array of objects); a much lower bound than Jackson's
     * default keeps hostile payloads cheap while leaving room for nested metadata fields.
     */
    static final int MAX_NESTING_DEPTH = 64;

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

    private JsonPayloads() {}

    /**
     * The payload's JSON value, or null after adding the dead letter that says why there is none:
     * not JSON, beyond the limits, or blank.
     */
    static JsonNode read(String text, byte[] payload, MessageResults results) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            results.dead(
                    DeadLetterReason.MALFORMED_JSON,
                    payload,
                    "payload exceeds the JSON limits: " + e.getOriginalMessage());
            return null;
        } catch (JsonProcessingException e) {
            results.dead(DeadLetterReason.MALFORMED_JSON, payload, describeJsonError(e));
            return null;
        }
        if (root == null || root.isMissingNode()) {
            results.dead(DeadLetterReason.EMPTY, payload, "payload is blank");
            return null;
        }
        return root;
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
     * The exact text of each element of a top-level array that has already parsed, so that a dead
     * letter shows what the device sent rather than a re-serialization.
     */
    static List<byte[]> elementSlices(String text) {
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
}
