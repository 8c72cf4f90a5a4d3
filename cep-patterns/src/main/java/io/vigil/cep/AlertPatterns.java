package io.vigil.cep;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.FlatlineSpec;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.RateSpec;
import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SilenceSpec;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/** Creates the {@link AlertPattern} for a validated {@link PatternSpec}. */
public final class AlertPatterns {

    private AlertPatterns() {}

    /** The pattern for {@code spec}, with the defaults of {@link PatternOptions}. */
    public static AlertPattern of(PatternSpec spec) {
        return of(spec, new Configuration());
    }

    /** The pattern for {@code spec}, with the {@link PatternOptions} read from {@code config}. */
    public static AlertPattern of(PatternSpec spec, ReadableConfig config) {
        // Java 17 has no pattern matching for switch; PatternSpec is sealed, so these are all.
        if (spec instanceof BurstSpec burst) {
            return new BurstPattern(
                    burst,
                    config.get(PatternOptions.BURST_BASELINE_WEIGHT),
                    config.get(PatternOptions.BURST_BASELINE_RETENTION));
        }
        if (spec instanceof DriftSpec drift) {
            return new DriftPattern(drift);
        }
        if (spec instanceof SequenceSpec sequence) {
            return new SequencePattern(sequence);
        }
        if (spec instanceof SilenceSpec silence) {
            return new SilencePattern(
                    silence, config.get(PatternOptions.SILENCE_PROCESSING_TIME_GRACE));
        }
        if (spec instanceof RateSpec rate) {
            return new RatePattern(rate);
        }
        if (spec instanceof FlatlineSpec flatline) {
            return new FlatlinePattern(flatline);
        }
        throw new IllegalArgumentException(
                String.format(
                        "Unknown pattern type '%s' of pattern '%s'", spec.type(), spec.name()));
    }
}
