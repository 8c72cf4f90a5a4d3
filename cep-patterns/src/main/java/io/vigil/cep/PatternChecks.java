package io.vigil.cep;

import java.time.Duration;

/** Checks a pattern's settings when it is built, failing with a message that names them. */
final class PatternChecks {

    private PatternChecks() {}

    /** Throws {@link IllegalArgumentException} with the formatted message unless {@code ok}. */
    static void require(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code value} is given and positive, with the
     * message "{@code <kind> pattern '<name>': <setting> must be positive, got <value>}".
     */
    static void requirePositive(String kind, String name, String setting, Duration value) {
        require(
                value != null && value.toMillis() > 0,
                "%s pattern '%s': %s must be positive, got %s",
                kind,
                name,
                setting,
                value);
    }
}
