package io.vigil.cep.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How a pattern's alerts live, the same for every pattern type: how long the condition must stay
 * clear before the alert resolves, the quiet time after a resolved alert, reminders while it fires
 * and one escalation of its severity. A duration of zero ({@code clearFor}, {@code cooldown}) or
 * {@code null} ({@code repeatAfter}, {@code escalateAfter}) turns the setting off.
 *
 * @param clearFor how long, in event time, the condition must stay clear (judged at readings)
 * @param cooldown after an alert resolves, how long a new one of the same key is not raised
 * @param repeatAfter while firing, a reminder this long after the alert fired and after each
 *     reminder
 * @param escalateAfter while firing, when this long has passed since the alert started, its
 *     severity becomes {@code escalateTo}
 * @param escalateTo the severity after {@code escalateAfter}; set exactly when it is
 */
public record AlertSettings(
        Duration clearFor,
        Duration cooldown,
        Duration repeatAfter,
        Duration escalateAfter,
        String escalateTo)
        implements Serializable {

    /** Resolve at the first clear reading, no cooldown, no reminders, no escalation. */
    public static final AlertSettings DEFAULTS =
            new AlertSettings(Duration.ZERO, Duration.ZERO, null, null, null);

    public AlertSettings {
        if (clearFor == null || clearFor.isNegative()) {
            throw new IllegalArgumentException("clear-for must be zero or positive: " + clearFor);
        }
        if (cooldown == null || cooldown.isNegative()) {
            throw new IllegalArgumentException("cooldown must be zero or positive: " + cooldown);
        }
        if (repeatAfter != null && (repeatAfter.isZero() || repeatAfter.isNegative())) {
            throw new IllegalArgumentException("repeat-after must be positive: " + repeatAfter);
        }
        if ((escalateAfter == null) != (escalateTo == null)) {
            throw new IllegalArgumentException(
                    "escalate-after and escalate-to go together: "
                            + escalateAfter
                            + ", "
                            + escalateTo);
        }
        if (escalateAfter != null && escalateAfter.isNegative()) {
            throw new IllegalArgumentException(
                    "escalate-after must not be negative: " + escalateAfter);
        }
    }
}
