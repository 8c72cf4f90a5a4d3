package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.PatternOptions;
import io.vigil.cep.config.FlatlineSpec;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.config.PatternOverride;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.pipeline.SensorAnalytics;
import io.vigil.testing.CollectingSink;
import io.vigil.testing.MiniClusters;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.Episode.Kind;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ground truth of every pattern type at once: a seeded simulated fleet with episodes of every
 * kind ({@code ./vigil simulate}'s bursts, drifts, silences, lows, leaks, rates, flatlines and
 * sequences) goes through the job's pipeline on a mini cluster at parallelism 2, with {@code
 * default.yaml} and {@code examples/fleet-all-types.yaml} (one of whose patterns has a per-device
 * override). Every injected episode must give exactly one firing alert of its pattern, for its key,
 * from its first reading, and exactly one resolved event at the reading the simulator says; no
 * other alert may come.
 */
class FleetGroundTruthITCase {

    private static final Path DEFAULT_FILE = Path.of("../cep-patterns/patterns/default.yaml");
    private static final Path FLEET_FILE =
            Path.of("../cep-patterns/patterns/examples/fleet-all-types.yaml");

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @Test
    void everyEpisodeOfEveryTypeFiresAndResolvesOnceAndNothingElseAlerts() throws Exception {
        FleetSimulation simulation =
                FleetSimulation.generate(
                        SimulationSpec.builder()
                                .setSites(2)
                                .setDevicesPerSite(8)
                                .setDuration(Duration.ofMinutes(20))
                                .setSeed(20261202)
                                .setBursts(6)
                                .setDrifts(3)
                                .setSilences(3)
                                .setLows(4)
                                .setLeaks(4)
                                .setRates(4)
                                .setFlatlines(6)
                                .setSequences(4)
                                .setMalformedShare(0.002)
                                .build());
        PatternConfig patterns = PatternConfigLoader.load(DEFAULT_FILE, FLEET_FILE);
        assertThat(simulation.episodes().stream().map(Episode::kind).distinct())
                .containsExactlyInAnyOrder(Kind.values());
        assertThat(simulation.episodes(Kind.FLATLINE))
                .as("stuck sensors both with the pattern's own min-events and an override's")
                .anyMatch(e -> stuckOverride(patterns, e) != null)
                .anyMatch(e -> stuckOverride(patterns, e) == null);

        List<Map<String, Object>> rows =
                run(simulation, patterns).stream().map(GroundTruth::row).toList();

        GroundTruth.assertAlertsMatchTheEpisodes(simulation, GroundTruth.firing(rows));
        GroundTruth.assertEveryAlertResolvedAfterItsEpisode(simulation, rows);
        for (Episode stuck : simulation.episodes(Kind.FLATLINE)) {
            assertStuckAlertFiredAtMinEvents(simulation, patterns, stuck, rows);
        }
    }

    /** All alert events, firing and resolved, of the pipeline over the simulation's messages. */
    private static List<Alert> run(FleetSimulation simulation, PatternConfig patterns)
            throws Exception {
        List<RawMessage> messages =
                simulation.messages().stream()
                        .map(m -> RawMessage.of(m.topic(), m.payloadText(), m.eventTime()))
                        .toList();
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        // Replayed far faster than real time: the processing-time fallback must not see silences.
        config.set(PatternOptions.SILENCE_PROCESSING_TIME_GRACE, Duration.ofHours(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        CollectingSink<Alert> alerts = new CollectingSink<>();
        new SensorAnalytics(config, patterns)
                .apply(env.fromData(messages, TypeInformation.of(RawMessage.class)))
                .alerts()
                .sinkTo(alerts);
        env.execute("fleet ground truth");
        return alerts.results();
    }

    /**
     * A stuck sensor's alert fires at the {@code min-events}-th reading of its stretch: the
     * pattern's 6, or 9 for the devices of its override.
     */
    private static void assertStuckAlertFiredAtMinEvents(
            FleetSimulation simulation,
            PatternConfig patterns,
            Episode stuck,
            List<Map<String, Object>> rows) {
        PatternOverride override = stuckOverride(patterns, stuck);
        FlatlineSpec spec =
                (FlatlineSpec)
                        (override != null
                                ? override.spec()
                                : patterns.patterns().stream()
                                        .filter(p -> p.name().equals(Kind.FLATLINE.pattern()))
                                        .findFirst()
                                        .orElseThrow());
        long firingReading =
                simulation.readings().stream()
                        .filter(r -> r.key().equals(stuck.key()))
                        .mapToLong(SensorReading::timestamp)
                        .filter(t -> t >= stuck.startedAt())
                        .skip(spec.minEvents() - 1)
                        .findFirst()
                        .orElseThrow();
        Map<String, Object> fired =
                GroundTruth.firing(rows).stream()
                        .filter(row -> GroundTruth.matches(row, stuck))
                        .findFirst()
                        .orElseThrow();
        assertThat(GroundTruth.number(fired, "events"))
                .as("%s", fired)
                .isEqualTo((double) spec.minEvents());
        assertThat(GroundTruth.number(fired, "ended_at"))
                .as("%s", fired)
                .isEqualTo((double) firingReading);
    }

    private static PatternOverride stuckOverride(PatternConfig patterns, Episode stuck) {
        return patterns.overrideFor(
                        Kind.FLATLINE.pattern(), stuck.site(), stuck.device(), stuck.metric())
                .orElse(null);
    }
}
