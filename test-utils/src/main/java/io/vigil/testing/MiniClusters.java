package io.vigil.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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

    /**
     * The environment of the mini cluster the test runs on, at {@code parallelism}, refusing
     * generic types as the job does: a type that would fall back to Kryo fails the test.
     */
    public static StreamExecutionEnvironment environment(int parallelism) {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        return env;
    }
}
