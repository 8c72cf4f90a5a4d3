package io.vigil.cep.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document as a tree that remembers the line of every value, so that config errors can point
 * at it; Jackson's own {@code JsonNode} forgets positions. Mappings keep repeated keys, so that the
 * loader can report them instead of silently keeping one.
 */
sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    /** The 1-based line where the value starts. */
    int line();

    /** The value as an error message names it, e.g. {@code the string "85"} or {@code a list}. */
    String describe();

    /** One {@code key: value} of a mapping. */
    record Field(String key, int line, YamlNode value) {}

    /** A YAML mapping, its fields in file order, repeated keys included. */
    record Mapping(List<Field> fields, int line) implements YamlNode {

        Optional<Field> get(String key) {
            return fields.stream().filter(f -> f.key().equals(key)).findFirst();
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A YAML list. */
    record Sequence(List<YamlNode> items, int line) implements YamlNode {

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** What a scalar resolved to: a quoted {@code "85"} is a {@code STRING}, a plain 85 not. */
    enum ScalarKind {
        STRING,
        INTEGER,
        DECIMAL,
        BOOLEAN,
        NULL
    }

    /**
     * A YAML scalar; {@code number} is set for {@code INTEGER} and {@code DECIMAL} when the text
     * converts to a Java number ({@code .inf} and {@code .nan} do not).
     */
    record Scalar(ScalarKind kind, String text, Number number, int line) implements YamlNode {

        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "the string \"" + text + "\"";
                case INTEGER, DECIMAL -> "the number " + text;
                case BOOLEAN -> "the boolean " + text;
                case NULL -> "no value";
            };
        }
    }

    /** A document that is not well-formed YAML. */
    final class SyntaxException extends Exception {

        private static final long serialVersionUID = 1L;

        SyntaxException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Parses one YAML document; {@code null} when the text holds no document (empty, or only
     * comments).
     */
    static YamlNode parse(String yaml) throws SyntaxException {
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            if (parser.nextToken() == null) {
                return null;
            }
            YamlNode root = read(parser);
            if (parser.nextToken() != null) {
                throw new SyntaxException(
                        String.format(
                                "a second YAML document starts at line %d; put all patterns in"
                                        + " one 'patterns' list",
                                parser.currentTokenLocation().getLineNr()),
                        null);
            }
            return root;
        } catch (JsonProcessingException e) {
            // SnakeYAML, under Jackson, knows where the problem is and what it is inside of.
            if (e.getCause() instanceof MarkedYAMLException marked) {
                throw new SyntaxException(describe(marked), e);
            }
            JsonLocation at = e.getLocation();
            throw new SyntaxException(
                    String.format(
                            "not valid YAML at line %d, column %d: %s",
                            at.getLineNr(), at.getColumnNr(), e.getOriginalMessage()),
                    e);
        } catch (IOException e) {
            // Reading from a String fails only through the parser's own exceptions above.
            throw new IllegalStateException("Cannot read YAML from a string", e);
        }
    }

    private static YamlNode read(YAMLParser parser) throws IOException, SyntaxException {
        JsonToken token = parser.currentToken();
        int line = parser.currentTokenLocation().getLineNr();
        if (parser.isCurrentAlias()) {
            throw new SyntaxException(
                    String.format(
                            "YAML aliases (*%s at line %d) are not supported; write the value out",
                            parser.getText(), line),
                    null);
        }
        switch (token) {
            case START_OBJECT:
                List<Field> fields = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    parser.nextToken();
                    fields.add(new Field(key, keyLine, read(parser)));
                }
                return new Mapping(List.copyOf(fields), line);
            case START_ARRAY:
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser));
                }
                return new Sequence(List.copyOf(items), line);
            case VALUE_NUMBER_INT:
                return new Scalar(ScalarKind.INTEGER, parser.getText(), number(parser), line);
            case VALUE_NUMBER_FLOAT:
                return new Scalar(ScalarKind.DECIMAL, parser.getText(), number(parser), line);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Scalar(ScalarKind.BOOLEAN, parser.getText(), null, line);
            case VALUE_NULL:
                return new Scalar(ScalarKind.NULL, parser.getText(), null, line);
            default:
                return new Scalar(ScalarKind.STRING, parser.getText(), null, line);
        }
    }

    private static Number number(JsonParser parser) {
        try {
            return parser.getNumberValue();
        } catch (IOException | NumberFormatException e) {
            // YAML's .inf and .nan: the loader reports them as "not a finite number".
            return null;
        }
    }

    private static String describe(MarkedYAMLException e) {
        StringBuilder message = new StringBuilder("not valid YAML");
        if (e.getProblemMark() != null) {
            message.append(
                    String.format(
                            " at line %d, column %d",
                            e.getProblemMark().getLine() + 1, e.getProblemMark().getColumn() + 1));
        }
        message.append(": ").append(e.getProblem());
        if (e.getContext() != null && e.getContextMark() != null) {
            message.append(
                    String.format(
                            " (%s that starts at line %d)",
                            e.getContext(), e.getContextMark().getLine() + 1));
        }
        return message.toString();
    }
}
