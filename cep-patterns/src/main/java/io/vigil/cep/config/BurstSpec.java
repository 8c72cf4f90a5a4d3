package io.vigil.cep.config;

import java.time.Duration;
import java.util.List;

/**
 * A {@code burst} pattern: at least {@code minEvents} consecutive readings beyond the threshold
 * spanning no more than {@code within}; beyond is above, or with {@code below} below. The threshold
 * is absolute ({@code threshold}) or the key's running baseline plus (below: minus) {@code
 * baselineMargin}, in the metric's unit; exactly one of the two is set, the other is {@code null}.
 * Its alert resolves at a reading that is not beyond the threshold, or with {@code clearLevel}
 * (absolute threshold only) at a reading at or below it (below: at or above it).
 */
public record BurstSpec(
        String name,
        String severity,
        List<String> metrics,
        Double threshold,
        Double baselineMargin,
        int minEvents,
        Duration within,
        boolean below,
        Double clearLevel,
        AlertSettings alerting)
        implements PatternSpec {

    /** A burst above the threshold whose alerts resolve at the first reading not above it. */
    public BurstSpec(
            String name,
            String severity,
            List<String> metrics,
            Double threshold,
            Double baselineMargin,
            int minEvents,
            Duration within) {
        this(
                name,
                severity,
                metrics,
                threshold,
                baselineMargin,
                minEvents,
                within,
                false,
                null,
                AlertSettings.DEFAULTS);
    }

    public static final String TYPE = "burst";

    @Override
    public String type() {
        return TYPE;
    }

    public boolean isRelativeToBaseline() {
        return baselineMargin != null;
    }

    /** Whether {@code value} is beyond {@code threshold}: strictly above, or strictly below. */
    public boolean breaches(double value, double threshold) {
        return below ? value < threshold : value > threshold;
    }

    /** The threshold for a reading when the key's baseline is {@code baseline}. */
    public double relativeThreshold(double baseline) {
        return below ? baseline - baselineMargin : baseline + baselineMargin;
    }

    /** Whether {@code value} lets the alert resolve, by the clear level or the threshold. */
    public boolean clears(double value, double threshold) {
        if (clearLevel == null) {
            return !breaches(value, threshold);
        }
        return below ? value >= clearLevel : value <= clearLevel;
    }
}
