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
    private BigDecimal time = BigDecimal.ZERO;
    private Rejection timeProblem;
    private double value;
    private Rejection valueProblem;
    private String unit;
    private Rejection unitProblem;

    /** Takes the record's base fields; rejects the record if one of them is unusable. */
    void update(JsonNode record) throws Rejection {
        Rejection first = null;
        if (record.has("bt")) {
            try {
                time = seconds(record, "bt");
                timeProblem = null;
            } catch (Rejection r) {
                timeProblem = carried(r);
                first = r;
            }
        }
        if (record.has("bv")) {
            try {
                value = finite(record.get("bv"), "field 'bv'");
                valueProblem = null;
            } catch (Rejection r) {
                valueProblem = carried(r);
                first = first == null ? r : first;
            }
        }
        if (record.has("bu")) {
            try {
                unit = text(record, "bu");
                unitProblem = null;
            } catch (Rejection r) {
                unitProblem = carried(r);
                first = first == null ? r : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    BigDecimal time() throws Rejection {
        if (timeProblem != null) {
            throw timeProblem;
        }
        return time;
    }

    double value() throws Rejection {
        if (valueProblem != null) {
            throw valueProblem;
        }
        return value;
    }

    String unit() throws Rejection {
        if (unitProblem != null) {
            throw unitProblem;
        }
        return unit;
    }

    private static Rejection carried(Rejection r) {
        return new Rejection(r.reason, "an earlier record's " + r.getMessage());
    }
}
