package io.vigil.cep;

/** Checks a pattern's settings when it is built, failing with a message that names them. */
final class PatternChecks {

    private PatternChecks() {}

    /** Throws {@link IllegalArgumentException} with the formatted message unless {@code ok}. */
    static void require(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }
}
