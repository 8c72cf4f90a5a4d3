package io.vigil.cep;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.config.SilenceSpec;
import java.time.Duration;
import java.util.List;

/** The pattern specs that several tests use, one of each type. */
final class TestPatterns {

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

    private TestPatterns() {}
}
