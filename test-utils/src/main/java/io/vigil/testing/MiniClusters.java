package io.vigil.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink mini clusters the ITCases run on, as JUnit 5 extensions. */
public final class MiniClusters {

    private MiniClusters() {}

    /** A mini cluster of {@code taskManagers} TaskManagers with {@code slots} slots each. */
    public static MiniClusterExtension of(int taskManagers, int slots) {
        return of(taskManagers, slots, new Configuration());
    }

    /** The same, with {@code configuration} for the cluster (reporters, state backend ...). */
    public static MiniClusterExtension of(
            int taskManagers, int slots, Configuration configuration) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(taskManagers)
                        .setNumberSlotsPerTaskManager(slots)
                        .setConfiguration(configuration)
                        .build());
    }
}
