package io.vigil.e2e;

import static io.vigil.e2e.SensorAnalyticsJobITCase.assertSamePoints;
import static io.vigil.e2e.SensorAnalyticsJobITCase.deadLetterKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.MosquittoTestSubscriber;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulationSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole job on one of its inputs against the simulator's ground truth: a clean run leaves
 * exactly the aggregates, alerts and dead letters the fleet implies, and a run that loses a
 * TaskManager halfway leaves the same points. A subclass runs the job on its input; the checks are
 * here, as in Flink's connector test suites.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class JobGroundTruthTestBase {

    /**
     * What one run left in InfluxDB ({@code alerts}: the alert events the subclass reads, firing
     * ones at least) and the alerts it published on MQTT, if it did.
     */
    record Run(
            List<Map<String, Object>> aggregates,
            List<Map<String, Object>> alerts,
            List<Map<String, Object>> deadLetters,
            List<MosquittoTestSubscriber.Received> mqttAlerts) {}

    private FleetSimulation simulation;
    private Run cleanRun;

    /** The fleet the runs publish. */
    abstract SimulationSpec fleet();

    /** Runs the job on the fleet, losing a TaskManager halfway if asked to. */
    abstract Run runJob(String name, boolean loseATaskManager) throws Exception;

    /** The dead letters a run must leave, by reason and topic. */
    abstract Map<String, Integer> expectedDeadLetterKeys();

    /** Checks of the clean run particular to this input; none by default. */
    void checkCleanRun(Run run) {}

    final FleetSimulation simulation() {
        if (simulation == null) {
            simulation = FleetSimulation.generate(fleet());
        }
        return simulation;
    }

    @Test
    @Order(1)
    void everyEpisodeGivesOneAlertAndEveryAggregateAndDeadLetterIsExact() throws Exception {
        Run run = cleanRun();

        GroundTruth.assertAggregatesMatchTheReadingsSent(simulation(), run.aggregates());
        GroundTruth.assertAlertsMatchTheEpisodes(simulation(), GroundTruth.firing(run.alerts()));
        assertThat(deadLetterKeys(run.deadLetters()))
                .as("one dead letter with the right reason per malformed message")
                .isEqualTo(expectedDeadLetterKeys());
        checkCleanRun(run);
    }

    @Test
    @Order(2)
    void aTaskManagerFailureHalfwayChangesNoAggregateAlertOrDeadLetter() throws Exception {
        Run clean = cleanRun();
        Run failover = runJob("failover", true);

        assertSamePoints(failover.aggregates(), clean.aggregates());
        assertSamePoints(failover.alerts(), clean.alerts());
        assertThat(deadLetterKeys(failover.deadLetters()))
                .as("every dead letter exactly once after the failover")
                .isEqualTo(expectedDeadLetterKeys());
    }

    private Run cleanRun() throws Exception {
        if (cleanRun == null) {
            cleanRun = runJob("clean", false);
        }
        return cleanRun;
    }
}
