package io.vigil.cep;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Tunables of the alert patterns that pattern files do not set, with their defaults. */
public final class PatternOptions {

    public static final ConfigOption<Duration> SILENCE_PROCESSING_TIME_GRACE =
            ConfigOptions.key("patterns.silence.processing-time-grace")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Wall-clock time a silence pattern waits beyond 'after' since a key's"
                                + " last reading arrived before it alerts without event time (for"
                                + " when every source has gone quiet and watermarks stall).");

    public static final ConfigOption<Double> BURST_BASELINE_WEIGHT =
            ConfigOptions.key("patterns.burst.baseline-weight")
                    .doubleType()
                    .defaultValue(0.1)
                    .withDescription(
                            "Weight (0 < w <= 1) of each reading that is not above the threshold in"
                                    + " the exponentially weighted baseline of an above-baseline"
                                    + " burst pattern.");

    public static final ConfigOption<Duration> BURST_BASELINE_RETENTION =
            ConfigOptions.key("patterns.burst.baseline-retention")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "Event time without readings after which an above-baseline burst"
                                    + " pattern forgets a key's baseline (the next reading starts a"
                                    + " new one).");

    private PatternOptions() {}
}
