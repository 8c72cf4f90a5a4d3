package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code burst} pattern: at least {@code minEvents} consecutive readings above the threshold
 * spanning no more than {@code within}. The threshold is absolute ({@code threshold}) or relative
 * to the key's running baseline ({@code aboveBaseline}, in the metric's unit); exactly one of the
 * two is set, the other is {@code null}. Its alert resolves at a reading at or below {@code
 * clearLevel} (with an absolute threshold only; {@code null}: the threshold itself).
 */
public record BurstSpec(
        String name,
        String severity,
        List<String> metrics,
        Double threshold,
        Double aboveBaseline,
        int minEvents,
        Duration within,
        Double clearLevel,
        AlertSettings alerting)
        implements PatternSpec {

    /** A burst whose alerts resolve at the first reading at or below the threshold. */
    public BurstSpec(
            String name,
            String severity,
            List<String> metrics,
            Double threshold,
            Double aboveBaseline,
            int minEvents,
            Duration within) {
        this(
                name,
                severity,
                metrics,
                threshold,
                aboveBaseline,
                minEvents,
                within,
                null,
                AlertSettings.DEFAULTS);
    }

    public static final String TYPE = "burst";

    @Override
    public String type() {
        return TYPE;
    }

    public boolean isRelativeToBaseline() {
        return aboveBaseline != null;
    }
}
