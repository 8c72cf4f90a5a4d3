package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;

/** A {@code silence} pattern: no reading for a key for longer than {@code after} in event time. */
public record SilenceSpec(
        String name, String severity, List<String> metrics, Duration after, AlertSettings alerting)
        implements PatternSpec {

    /** A silence with the default {@link AlertSettings}. */
    public SilenceSpec(String name, String severity, List<String> metrics, Duration after) {
        this(name, severity, metrics, after, AlertSettings.DEFAULTS);
    }

    public static final String TYPE = "silence";

    @Override
    public String type() {
        return TYPE;
    }
}
