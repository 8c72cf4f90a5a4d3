package io.vigil.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster that cannot start says why, with the process's log, and leaves no process behind. */
class FlinkProcessClusterITCase {

    @TempDir Path tmp;

    @Test
    void aMemorySizeTooSmallForFlinkFailsBeforeAnyClusterProcessStarts() throws Exception {
        FlinkProcessCluster cluster =
                FlinkProcessCluster.builder()
                        .setWorkDir(tmp)
                        .setConfig("jobmanager.memory.process.size", "64m")
                        .build();

        assertThatThrownBy(cluster::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("BashJavaUtils GET_JM_RESOURCE_PARAMS failed")
                .hasMessageContaining("64");
        assertThat(cluster.processes()).hasSize(1).noneMatch(Process::isAlive);
    }

    @Test
    void aJobManagerThatDiesOnStartFailsFastWithItsLog() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            FlinkProcessCluster cluster =
                    FlinkProcessCluster.builder()
                            .setWorkDir(Files.createDirectories(tmp.resolve("flink")))
                            .setConfig("jobmanager.rpc.port", taken.getLocalPort())
                            .setStartTimeout(Duration.ofSeconds(60))
                            .build();
            long start = System.nanoTime();

            assertThatThrownBy(cluster::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Waited in vain for the JobManager's REST API")
                    .hasMessageContaining("jobmanager log:");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("noticed the dead JobManager before the start timeout")
                    .isLessThan(Duration.ofSeconds(50));
            assertThat(cluster.processes()).hasSize(2).noneMatch(Process::isAlive);
        }
    }
}
