package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code burst} pattern: at least {@code minEvents} consecutive readings above the threshold
 * spanning no more than {@code within}. The threshold is absolute ({@code threshold}) or relative
 * to the key's running baseline ({@code aboveBaseline}, in the metric's unit); exactly one of the
 * two is set, the other is {@code null}.
 */
public record BurstSpec(
        String name,
        String severity,
        List<String> metrics,
        Double threshold,
        Double aboveBaseline,
        int minEvents,
        Duration within)
        implements PatternSpec {

    public static final String TYPE = "burst";

    @Override
    public String type() {
        return TYPE;
    }

    public boolean isRelativeToBaseline() {
        return aboveBaseline != null;
    }
}
