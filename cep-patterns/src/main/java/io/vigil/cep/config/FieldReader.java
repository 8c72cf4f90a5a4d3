package io.vigil.cep.config;

import io.vigil.cep.config.YamlNode.Field;
import io.vigil.cep.config.YamlNode.Mapping;
import io.vigil.cep.config.YamlNode.Scalar;
import io.vigil.cep.config.YamlNode.ScalarKind;
import io.vigil.cep.config.YamlNode.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed access to the fields of one mapping (strings, numbers, whole numbers, durations, metric
 * names and lists, lists of mappings), reporting each problem as a config error with the line of
 * the value.
 */
final class FieldReader {

    private final Mapping mapping;
    private final FileErrors errors;
    private final String pattern;
    private final String owner;
    // What error messages put before a field's key: "" for a pattern's own fields,
    // "overrides[2]." or "steps[2]." for the fields of an entry of a list of mappings.
    private final String prefix;
    // Fields that an unknown key looks like a typo of: their "missing" would say it twice.
    private final Set<String> misspelt = new HashSet<>();

    /**
     * @param pattern the pattern the errors name, {@code null} at the top level
     * @param owner what holds the fields, for messages, e.g. {@code a 'burst' pattern}
     */
    FieldReader(Mapping mapping, FileErrors errors, String pattern, String owner) {
        this(mapping, errors, pattern, owner, "");
    }

    private FieldReader(
            Mapping mapping, FileErrors errors, String pattern, String owner, String prefix) {
        this.mapping = mapping;
        this.errors = errors;
        this.pattern = pattern;
        this.owner = owner;
        this.prefix = prefix;
    }

    /**
     * The fields of {@code other} as this reader names them: same pattern, owner and prefix, e.g.
     * to read an entry's fields together with fields taken over from elsewhere.
     */
    FieldReader reading(Mapping other) {
        return new FieldReader(other, errors, pattern, owner, prefix);
    }

    /** The mapping whose fields this reads. */
    Mapping mapping() {
        return mapping;
    }

    /** The field as errors name it, e.g. {@code overrides[2].threshold}. */
    String path(String field) {
        return prefix + field;
    }

    /** The text of the field when it is a string, without reporting anything. */
    static Optional<String> text(Mapping mapping, String field) {
        return mapping.get(field)
                .map(Field::value)
                .filter(v -> v instanceof Scalar s && s.kind() == ScalarKind.STRING)
                .map(v -> ((Scalar) v).text());
    }

    /** What holds the fields, as messages name it, e.g. {@code a 'burst' pattern}. */
    String owner() {
        return owner;
    }

    void error(String field, String message, int line) {
        errors.add(pattern, path(field), message, line);
    }

    /** Reports a problem of the entry as a whole, e.g. {@code overrides[2]}, at its line. */
    void entryError(String message) {
        errors.add(
                pattern,
                prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1),
                message,
                mapping.line());
    }

    boolean has(String field) {
        return mapping.get(field).isPresent();
    }

    /** Whether an unknown key was reported as a typo of {@code field}. */
    boolean misspelt(String field) {
        return misspelt.contains(field);
    }

    /** The line of the mapping itself, where a missing field is reported. */
    int line() {
        return mapping.line();
    }

    /** The line of the field's value, or of the mapping when the field is missing. */
    int line(String field) {
        return mapping.get(field).map(f -> f.value().line()).orElse(mapping.line());
    }

    /** Reports {@code message}, with the value as written, unless {@code ok}. */
    void check(String field, boolean ok, String message) {
        if (!ok) {
            YamlNode value = mapping.get(field).orElseThrow().value();
            error(field, message + ", found " + ((Scalar) value).text(), value.line());
        }
    }

    /** Reports keys given twice and keys not in {@code allowed}, with a guess at typos. */
    void rejectUnknown(List<String> allowed) {
        Map<String, Integer> seen = new HashMap<>();
        for (Field field : mapping.fields()) {
            Integer first = seen.putIfAbsent(field.key(), field.line());
            if (first != null) {
                error(field.key(), "given twice, first at line " + first, field.line());
            } else if (!allowed.contains(field.key())) {
                Optional<String> meant = FieldSuggestions.suggestion(field.key(), allowed);
                meant.ifPresent(misspelt::add);
                error(
                        field.key(),
                        String.format(
                                "unknown field%s; the fields of %s are: %s",
                                meant.map(m -> " (did you mean '" + m + "'?)").orElse(""),
                                owner,
                                String.join(", ", allowed)),
                        field.line());
            }
        }
    }

    /** The field's value; empty (and reported) when missing but required, or given empty. */
    Optional<YamlNode> value(String field, boolean required) {
        Optional<Field> found = mapping.get(field);
        if (found.isEmpty()) {
            if (required && !misspelt.contains(field)) {
                error(field, "missing; " + owner + " needs it", mapping.line());
            }
            return Optional.empty();
        }
        YamlNode value = found.get().value();
        if (value instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL) {
            error(field, "has no value", found.get().line());
            return Optional.empty();
        }
        return Optional.of(value);
    }

    Optional<String> string(String field, boolean required) {
        return value(field, required).flatMap(value -> string(field, value));
    }

    private Optional<String> string(String field, YamlNode value) {
        if (value instanceof Scalar s && s.kind() == ScalarKind.STRING) {
            return Optional.of(s.text());
        }
        error(field, "must be a string, found " + value.describe(), value.line());
        return Optional.empty();
    }

    Optional<Double> number(String field, boolean required) {
        return value(field, required).flatMap(value -> number(field, value));
    }

    private Optional<Double> number(String field, YamlNode value) {
        if (value instanceof Scalar s
                && (s.kind() == ScalarKind.INTEGER || s.kind() == ScalarKind.DECIMAL)) {
            if (s.number() != null && Double.isFinite(s.number().doubleValue())) {
                return Optional.of(s.number().doubleValue());
            }
            error(field, "must be a finite number, found " + s.text(), s.line());
            return Optional.empty();
        }
        error(field, "must be a number" + butFound(value), value.line());
        return Optional.empty();
    }

    /** A required whole number of at least {@code min}. */
    Optional<Integer> integer(String field, int min) {
        return integer(field, min, true);
    }

    /** A whole number of at least {@code min}; empty when absent (reported when required). */
    Optional<Integer> integer(String field, int min, boolean required) {
        return value(field, required).flatMap(value -> integer(field, value, min));
    }

    private Optional<Integer> integer(String field, YamlNode value, int min) {
        if (!(value instanceof Scalar s) || s.kind() != ScalarKind.INTEGER || s.number() == null) {
            error(field, "must be a whole number" + butFound(value), value.line());
            return Optional.empty();
        }
        // Jackson gives an Integer whenever the value fits in one.
        if (!(s.number() instanceof Integer n)) {
            error(field, "is too large, found " + s.text(), s.line());
            return Optional.empty();
        }
        if (n < min) {
            error(
                    field,
                    String.format("must be at least %d for %s, found %s", min, owner, s.text()),
                    s.line());
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /** An optional whole number of at least {@code min}: empty when not given (or wrong). */
    Optional<Integer> optionalInteger(String field, int min) {
        return value(field, false).flatMap(value -> integer(field, value, min));
    }

    /** A required positive duration. */
    Optional<Duration> duration(String field) {
        return value(field, true).flatMap(value -> duration(field, value));
    }

    /** An optional positive duration: empty when not given (or wrong, and reported). */
    Optional<Duration> optionalDuration(String field) {
        return value(field, false).flatMap(value -> duration(field, value));
    }

    private Optional<Duration> duration(String field, YamlNode value) {
        if (!(value instanceof Scalar s) || s.kind() != ScalarKind.STRING) {
            String unitHint =
                    value instanceof Scalar s && s.kind() == ScalarKind.INTEGER
                            ? " with a unit, e.g. " + s.text() + "s"
                            : " such as " + Durations.EXAMPLES;
            error(
                    field,
                    "must be a duration" + unitHint + ", found " + value.describe(),
                    value.line());
            return Optional.empty();
        }
        Duration duration;
        try {
            duration = Durations.parse(s.text());
        } catch (IllegalArgumentException e) {
            error(field, e.getMessage(), s.line());
            return Optional.empty();
        }
        if (duration.isNegative() || duration.isZero()) {
            error(field, "must be longer than zero, found " + s.text(), s.line());
            return Optional.empty();
        }
        return Optional.of(duration);
    }

    /** The required list of metric names: each one MQTT topic level, or {@code *} alone. */
    List<String> metrics(String field) {
        Optional<YamlNode> value = value(field, true);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!(value.get() instanceof Sequence list)) {
            error(
                    field,
                    "must be a list such as [temperature] or [\"*\"], found "
                            + value.get().describe(),
                    value.get().line());
            return List.of();
        }
        if (list.items().isEmpty()) {
            error(field, "must name at least one metric, or \"*\" for all", list.line());
        }
        Set<String> metrics = new LinkedHashSet<>();
        for (YamlNode item : list.items()) {
            if (!(item instanceof Scalar s) || s.kind() != ScalarKind.STRING) {
                error(
                        field,
                        "each entry must be a metric name (a string), found " + item.describe(),
                        item.line());
            } else if (!isTopicLevel(s.text())) {
                error(field, notAMetricName(s.text()), s.line());
            } else if (!metrics.add(s.text())) {
                error(field, String.format("\"%s\" is listed twice", s.text()), s.line());
            }
        }
        if (metrics.contains(PatternSpec.ANY_METRIC) && metrics.size() > 1) {
            error(field, "\"*\" already matches every metric; list it alone", list.line());
        }
        return List.copyOf(metrics);
    }

    /** A required metric name: one MQTT topic level (not {@code *}: it names one metric). */
    Optional<String> metric(String field) {
        Optional<String> metric = string(field, true);
        if (metric.isPresent() && !isTopicLevel(metric.get())) {
            error(field, notAMetricName(metric.get()), line(field));
            return Optional.empty();
        }
        if (metric.isPresent() && metric.get().equals(PatternSpec.ANY_METRIC)) {
            error(field, "must name one metric, found \"*\"", line(field));
            return Optional.empty();
        }
        return metric;
    }

    private static boolean isTopicLevel(String text) {
        return !text.isBlank() && !text.matches(".*[/+#\\s].*");
    }

    private static String notAMetricName(String text) {
        return String.format(
                "\"%s\" is not a metric name: a metric is one MQTT topic level, not blank and"
                        + " without '/', '+', '#' or spaces",
                text);
    }

    /**
     * The list of mappings in {@code field}, e.g. a pattern's {@code steps} or {@code overrides}: a
     * reader for each entry, whose errors name the entry's fields {@code field[N].key}, entries
     * counted from 1. Entries that are not mappings are reported and left out.
     *
     * @param entryOwner what holds an entry's fields, for messages, e.g. {@code a step}
     * @return empty when the field is absent (reported when required) or not a list (reported)
     */
    Optional<List<FieldReader>> mappings(String field, boolean required, String entryOwner) {
        Optional<YamlNode> value = value(field, required);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof Sequence list)) {
            error(
                    field,
                    "must be a list of mappings, found " + value.get().describe(),
                    value.get().line());
            return Optional.empty();
        }
        List<FieldReader> entries = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            String entryPath = String.format("%s[%d]", path(field), i + 1);
            YamlNode item = list.items().get(i);
            if (item instanceof Mapping entry) {
                entries.add(new FieldReader(entry, errors, pattern, entryOwner, entryPath + "."));
            } else {
                errors.add(
                        pattern,
                        entryPath,
                        "must be a mapping of fields, found " + item.describe(),
                        item.line());
            }
        }
        return Optional.of(List.copyOf(entries));
    }

    /** ", found ..." with a hint when a number was written in quotes. */
    private static String butFound(YamlNode value) {
        if (value instanceof Scalar s
                && s.kind() == ScalarKind.STRING
                && s.text().trim().matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")) {
            return ", found " + value.describe() + " (remove the quotes)";
        }
        return ", found " + value.describe();
    }
}
