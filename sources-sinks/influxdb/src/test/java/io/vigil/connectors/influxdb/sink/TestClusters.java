package io.vigil.connectors.influxdb.sink;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster the sink's integration tests run their jobs on. */
final class TestClusters {

    private TestClusters() {}

    /** One TaskManager with the given number of slots. */
    static MiniClusterExtension oneTaskManager(int slots) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }
}
