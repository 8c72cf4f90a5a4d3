package io.vigil.cep;

import io.vigil.cep.config.AlertSettings;
import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SequenceSpec.Contiguity;
import io.vigil.cep.config.SequenceSpec.Step;
import io.vigil.cep.config.SilenceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/** The pattern specs that several tests use, one of each type, and the shipped defaults. */
public final class TestPatterns {

    /** Loads pattern file text, written to {@code patterns.yaml} in {@code dir}. */
    public static PatternConfig load(Path dir, String yaml) throws IOException {
        return PatternConfigLoader.load(Files.writeString(dir.resolve("patterns.yaml"), yaml));
    }

    /** 3 readings above 85 dB within 10 s. */
    static final BurstSpec LOUD_BURST =
            new BurstSpec(
                    "loud-burst",
                    "warning",
                    List.of("sound"),
                    85.0,
                    null,
                    3,
                    Duration.ofSeconds(10));

    /** At least 4 readings within 60 s, drops of at most 0.5, rising at least 3. */
    static final DriftSpec PUMP_DRIFT =
            new DriftSpec(
                    "pump-drift",
                    "critical",
                    List.of("temperature"),
                    4,
                    Duration.ofSeconds(60),
                    0.5,
                    3.0);

    /** No temperature reading for more than 60 s. */
    static final SilenceSpec PUMP_SILENT =
            new SilenceSpec(
                    "pump-silent", "warning", List.of("temperature"), Duration.ofSeconds(60));

    /** The sequence of {@code patterns/examples/hot-then-loud.yaml}. */
    public static final SequenceSpec HOT_THEN_LOUD =
            new SequenceSpec(
                    "hot-then-loud",
                    "critical",
                    Duration.ofMinutes(5),
                    List.of(
                            new Step("temperature", true, 80, 1, Contiguity.FOLLOWED_BY),
                            new Step("sound", true, 85, 3, Contiguity.FOLLOWED_BY)));

    /** The burst of the shipped {@code patterns/default.yaml}: 3 readings above 85 dB in 10 s. */
    public static final BurstSpec SOUND_BURST =
            new BurstSpec(
                    "sound-burst",
                    "warning",
                    List.of("sound"),
                    85.0,
                    null,
                    3,
                    Duration.ofSeconds(10));

    /** The drift of the shipped {@code patterns/default.yaml}: 5 readings rising 3 in 10 min. */
    public static final DriftSpec THERMAL_DRIFT =
            new DriftSpec(
                    "thermal-drift",
                    "warning",
                    List.of("temperature"),
                    5,
                    Duration.ofMinutes(10),
                    0.2,
                    3.0);

    /** The silence of the shipped {@code patterns/default.yaml}: any metric, 2 min. */
    public static final SilenceSpec SENSOR_SILENCE =
            new SilenceSpec(
                    "sensor-silence",
                    "critical",
                    List.of(PatternSpec.ANY_METRIC),
                    Duration.ofMinutes(2));

    /** The patterns of the shipped {@code patterns/default.yaml}, in file order. */
    public static final PatternConfig SHIPPED_DEFAULTS =
            new PatternConfig(List.of(SOUND_BURST, THERMAL_DRIFT, SENSOR_SILENCE));

    private TestPatterns() {}

    /**
     * Alert settings for the reference-model tests: no clear time or one of a few seconds, no
     * cooldown or one of a few seconds (reminders and escalation have tests of their own).
     */
    static AlertSettings randomAlertSettings(Random random) {
        return new AlertSettings(
                Duration.ofSeconds(random.nextInt(3) == 0 ? 2 + random.nextInt(4) : 0),
                Duration.ofSeconds(random.nextInt(3) == 0 ? 5 + random.nextInt(20) : 0),
                null,
                null,
                null);
    }
}
