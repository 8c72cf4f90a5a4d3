package io.vigil.cep.config;

import java.util.List;
import java.util.Optional;

/**
 * Reads the fields of one pattern type into its {@link PatternSpec}; a new pattern type adds one
 * subclass and lists it in {@link PatternConfigLoader}.
 */
abstract class PatternReader {

    // Fields that more than one type has, with the same meaning.
    static final String MIN_EVENTS = "min-events";
    static final String WITHIN = "within";

    /**
     * The fields every pattern has, already read and checked by the loader; {@code metrics} is
     * empty for a type without them ({@link #hasMetrics()}).
     */
    record Common(String name, String severity, List<String> metrics, AlertSettings alerting) {}

    private final String type;
    private final List<String> fields;

    /**
     * @param type the {@code type} value that selects this reader, e.g. {@code burst}
     * @param fields the fields of the type besides the common ones, in the order the docs list them
     */
    PatternReader(String type, String... fields) {
        this.type = type;
        this.fields = List.of(fields);
    }

    final String type() {
        return type;
    }

    final List<String> fields() {
        return fields;
    }

    /**
     * The fields of a pattern that an override's {@code field} replaces: the field itself, and the
     * fields that cannot be given together with it.
     */
    List<String> replacedBy(String field) {
        return List.of(field);
    }

    /**
     * Whether the pattern may have {@code overrides}; a type keyed by device (a sequence) says no:
     * an override's selector picks sensors, and its values would not apply to one sensor alone.
     */
    boolean hasOverrides() {
        return true;
    }

    /**
     * Whether the pattern has the common {@code metrics} field; a type whose metrics come from its
     * own fields (a sequence's steps) says no.
     */
    boolean hasMetrics() {
        return true;
    }

    /**
     * Reads this type's fields, reporting every problem through {@code fields}.
     *
     * @return the spec, or empty when a field of this type is missing or wrong (and reported)
     */
    abstract Optional<PatternSpec> read(Common common, FieldReader fields);
}
