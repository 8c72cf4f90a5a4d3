package io.vigil.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where an alert is in its life: it fires when its pattern's condition holds, resolves when it
 * clears.
 */
public enum AlertState {
    /** The condition holds; also each reminder and each escalation while it still holds. */
    FIRING,
    /** The condition cleared; the last event of the alert. */
    RESOLVED;

    /** {@code firing} or {@code resolved}: the {@code state} tag in InfluxDB and the JSON value. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static AlertState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
