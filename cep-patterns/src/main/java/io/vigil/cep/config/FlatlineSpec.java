package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code flatline} pattern: a stretch of consecutive readings of a key whose values lie within
 * {@code epsilon} of each other, with at least {@code minEvents} readings ({@code null}: no count)
 * and spanning at least {@code minDuration} ({@code null}: no span); at least one of the two is
 * set. A gap of more than {@code maxGap} between two readings ends a stretch.
 */
public record FlatlineSpec(
        String name,
        String severity,
        List<String> metrics,
        double epsilon,
        Integer minEvents,
        Duration minDuration,
        Duration maxGap,
        AlertSettings alerting)
        implements PatternSpec {

    public static final String TYPE = "flatline";

    @Override
    public String type() {
        return TYPE;
    }
}
