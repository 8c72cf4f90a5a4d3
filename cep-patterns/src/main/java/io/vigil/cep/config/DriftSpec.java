package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code drift} pattern: a run of at least {@code minEvents} readings spanning no more than
 * {@code within}, each not lower than the one before minus {@code tolerance}, whose last value
 * exceeds its first by at least {@code minRise}; with {@code falling} the mirror image (each not
 * higher than the one before plus {@code tolerance}, the last below the first by {@code minRise},
 * the {@code min-fall} of the file).
 */
public record DriftSpec(
        String name,
        String severity,
        List<String> metrics,
        int minEvents,
        Duration within,
        double tolerance,
        double minRise,
        boolean falling,
        AlertSettings alerting)
        implements PatternSpec {

    /** A drift with the default {@link AlertSettings}. */
    public DriftSpec(
            String name,
            String severity,
            List<String> metrics,
            int minEvents,
            Duration within,
            double tolerance,
            double minRise) {
        this(
                name,
                severity,
                metrics,
                minEvents,
                within,
                tolerance,
                minRise,
                false,
                AlertSettings.DEFAULTS);
    }

    public static final String TYPE = "drift";

    @Override
    public String type() {
        return TYPE;
    }

    /** The value as the drift measures it: itself when rising, negated when falling. */
    public double directed(double value) {
        return falling ? -value : value;
    }
}
