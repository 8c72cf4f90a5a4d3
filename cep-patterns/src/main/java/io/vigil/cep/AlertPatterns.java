package io.vigil.cep;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.FlatlineSpec;
import io.vigil.cep.config.KeySelector;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternOverride;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.RateSpec;
import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.cep.engine.PatternProgram;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/** Creates the {@link AlertPattern} for a validated {@link PatternSpec}. */
public final class AlertPatterns {

    private AlertPatterns() {}

    /**
     * The programs of every pattern of {@code config}, with the {@link PatternOptions} read from
     * {@code options}: one per pattern, and for a pattern with overrides one per override more,
     * each watching the keys its values apply to (see {@link KeyPartitionedProgram}).
     */
    public static List<PatternProgram> programs(PatternConfig config, ReadableConfig options) {
        List<PatternProgram> programs = new ArrayList<>();
        for (PatternSpec spec : config.patterns()) {
            PatternProgram program = of(spec, options).program();
            List<PatternOverride> overrides = config.overridesOf(spec.name());
            if (overrides.isEmpty()) {
                programs.add(program);
                continue;
            }
            List<KeySelector> partition =
                    overrides.stream().map(PatternOverride::selector).toList();
            programs.add(new KeyPartitionedProgram(program, partition, null));
            for (PatternOverride override : overrides) {
                programs.add(
                        new KeyPartitionedProgram(
                                of(override.spec(), options).program(),
                                partition,
                                override.selector()));
            }
        }
        return programs;
    }

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
