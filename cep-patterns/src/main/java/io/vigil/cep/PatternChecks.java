package io.vigil.cep;

/**
 * Checks a pattern's options when it is built, failing with a message that names them; the settings
 * of its spec are checked by {@link SpecPattern}.
 */
final class PatternChecks {

    private PatternChecks() {}

    /** Throws {@link IllegalArgumentException} with the formatted message unless {@code ok}. */
    static void require(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }
}
