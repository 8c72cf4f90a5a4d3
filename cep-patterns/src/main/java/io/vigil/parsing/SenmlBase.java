package io.vigil.parsing;

import static io.vigil.parsing.JsonFields.finite;
import static io.vigil.parsing.JsonFields.seconds;
import static io.vigil.parsing.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * The SenML base fields in force ({@code bt}, {@code bv}, {@code bu}), and why one of them cannot
 * be used: a record that relies on an unusable base field is rejected with the reason it had.
 */
final class SenmlBase {
    private final BaseField<BigDecimal> time = new BaseField<>("bt", BigDecimal.ZERO);
    private final BaseField<Double> value = new BaseField<>("bv", 0.0);
    private final BaseField<String> unit = new BaseField<>("bu", null);

    /** Takes the record's base fields; rejects the record if one of them is unusable. */
    void update(JsonNode record) throws Rejection {
        // Every base field is taken, even after an unusable one: later records may rely on it.
        Rejection[] problems = {
            time.update(record, r -> seconds(r, "bt")),
            value.update(record, r -> finite(r.get("bv"), "field 'bv'")),
            unit.update(record, r -> text(r, "bu")),
        };
        for (Rejection problem : problems) {
            if (problem != null) {
                throw problem;
            }
        }
    }

    BigDecimal time() throws Rejection {
        return time.get();
    }

    double value() throws Rejection {
        return value.get();
    }

    String unit() throws Rejection {
        return unit.get();
    }

    /** Reads one base field from a record. */
    @FunctionalInterface
    private interface FieldReader<T> {
        T read(JsonNode record) throws Rejection;
    }

    /** One base field: the value in force, or why the last record that set it could not. */
    private static final class BaseField<T> {
        private final String name;
        private T value;
        private Rejection problem;

        BaseField(String name, T initial) {
            this.name = name;
            this.value = initial;
        }

        /** Takes the field if {@code record} has it; returns why it is unusable, or null. */
        Rejection update(JsonNode record, FieldReader<T> reader) {
            if (!record.has(name)) {
                return null;
            }
            try {
                value = reader.read(record);
                problem = null;
                return null;
            } catch (Rejection r) {
                problem = new Rejection(r.reason, "an earlier record's " + r.getMessage());
                return r;
            }
        }

        T get() throws Rejection {
            if (problem != null) {
                throw problem;
            }
            return value;
        }
    }
}
