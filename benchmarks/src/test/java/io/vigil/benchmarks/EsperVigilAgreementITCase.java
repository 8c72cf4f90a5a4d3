package io.vigil.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Figure 1 compares like with like: on a small seeded fleet (100 sensors, 6 minutes, with bursts, a
 * drift and a silence), Vigil's core on a mini cluster and the Esper baseline give the same alerts
 * and the same window aggregates.
 */
class EsperVigilAgreementITCase {

    @Test
    void esperAndVigilGiveTheSameAlertsAndAggregates() throws Exception {
        PatternConfig patterns =
                PatternConfigLoader.load(Path.of("../cep-patterns/patterns/default.yaml"));
        EsperBaseline esper = EsperComparison.esper(patterns, new Configuration());

        ResultComparison comparison =
                EsperComparison.check(100, Duration.ofMinutes(6), 2, patterns, esper);

        assertThat(comparison.describe("vigil", "esper", 10)).contains("alerts vigil 4, esper 4");
        assertThat(comparison.mismatches()).as(comparison.describe("vigil", "esper", 10)).isZero();
    }
}
