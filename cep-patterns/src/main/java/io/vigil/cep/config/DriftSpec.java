package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code drift} pattern: a run of at least {@code minEvents} readings spanning no more than
 * {@code within}, each not lower than the one before minus {@code tolerance}, whose last value
 * exceeds its first by at least {@code minRise}.
 */
public record DriftSpec(
        String name,
        String severity,
        List<String> metrics,
        int minEvents,
        Duration within,
        double tolerance,
        double minRise,
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
                AlertSettings.DEFAULTS);
    }

    public static final String TYPE = "drift";

    @Override
    public String type() {
        return TYPE;
    }
}
