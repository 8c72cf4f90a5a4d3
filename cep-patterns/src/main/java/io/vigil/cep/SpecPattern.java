package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import java.time.Duration;
import java.util.Locale;

/**
 * An {@link AlertPattern} built from one spec, whose name it carries. Its constructor checks the
 * spec's settings with the {@code check} methods, whose messages all start with "{@code <Type>
 * pattern '<name>'}".
 */
abstract class SpecPattern<S extends PatternSpec> implements AlertPattern {

    private static final long serialVersionUID = 1L;

    final S spec;

    SpecPattern(S spec) {
        this.spec = spec;
    }

    @Override
    public final String name() {
        return spec.name();
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code ok}, with the message "{@code <Type>
     * pattern '<name>': <problem>}", the problem formatted with {@code args}.
     */
    final void check(boolean ok, String problem, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(label() + ": " + String.format(problem, args));
        }
    }

    /**
     * Throws {@link IllegalArgumentException} unless {@code ok}, with the message "{@code <Type>
     * pattern '<name>' needs <what>}", {@code what} formatted with {@code args}.
     */
    final void checkNeeds(boolean ok, String what, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(label() + " needs " + String.format(what, args));
        }
    }

    /** Checks that {@code value} is given and positive: "{@code <setting> must be positive}". */
    final void checkPositive(String setting, Duration value) {
        check(value != null && value.toMillis() > 0, "%s must be positive, got %s", setting, value);
    }

    /** Checks that {@code minEvents} is at least {@code least}. */
    final void checkMinEvents(int least, int minEvents) {
        check(minEvents >= least, "min-events must be at least %d, got %d", least, minEvents);
    }

    /** "{@code <Type> pattern '<name>'}", e.g. {@code Burst pattern 'loud'}. */
    private String label() {
        String type = spec.type();
        return type.substring(0, 1).toUpperCase(Locale.ROOT)
                + type.substring(1)
                + " pattern '"
                + spec.name()
                + "'";
    }
}
