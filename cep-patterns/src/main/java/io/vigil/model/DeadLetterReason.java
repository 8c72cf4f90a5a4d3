package io.vigil.model;

/** The reasons a message becomes a dead letter; {@link #code()} is the InfluxDB tag value. */
public enum DeadLetterReason {
    MALFORMED_JSON("malformed-json"),
    MISSING_VALUE("missing-value"),
    NON_NUMERIC_VALUE("non-numeric-value"),
    NON_FINITE_VALUE("non-finite-value"),
    BAD_TIMESTAMP("bad-timestamp"),
    FUTURE_TIMESTAMP("future-timestamp"),
    BAD_TOPIC("bad-topic"),
    TOO_LARGE("too-large"),
    EMPTY("empty"),
    LATE("late"),
    REJECTED_BY_SINK("rejected-by-sink");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
