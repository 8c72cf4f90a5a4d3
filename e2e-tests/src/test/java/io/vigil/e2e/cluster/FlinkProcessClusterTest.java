package io.vigil.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster fixture's settings are checked before any process starts. */
class FlinkProcessClusterTest {

    @TempDir Path tmp;

    @Test
    void refusesAMissingConfigFile() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setConfigFile(tmp.resolve("nope.yaml"))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configFile")
                .hasMessageContaining("nope.yaml");
    }

    @Test
    void refusesAMissingWorkDir() {
        assertThatThrownBy(() -> FlinkProcessCluster.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workDir");
    }

    @Test
    void refusesAClusterWithoutTaskManagers() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setTaskManagers(0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taskManagers: 0");
    }

    @Test
    void refusesTaskManagersWithoutSlots() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setSlotsPerTaskManager(0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slotsPerTaskManager: 0");
    }

    @Test
    void refusesANegativeCheckpointInterval() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setCheckpointInterval(Duration.ofSeconds(-1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointInterval");
    }

    @Test
    void refusesAZeroStartTimeout() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setStartTimeout(Duration.ZERO)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startTimeout");
    }
}
