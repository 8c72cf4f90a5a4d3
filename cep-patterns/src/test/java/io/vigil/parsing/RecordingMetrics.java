package io.vigil.parsing;

import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/** Task environments that record the counters a {@link ParseFunction} registers. */
final class RecordingMetrics {

    private RecordingMetrics() {}

    /**
     * A mock task environment on a metric registry that puts every counter registered below it into
     * {@code counters}, keyed by name, or {@code name[reason]} inside a {@code reason} key-value
     * group.
     */
    static MockEnvironment environment(Map<String, Counter> counters) {
        TestingMetricRegistry registry =
                TestingMetricRegistry.builder()
                        .setRegisterConsumer(
                                (metric, name, group) -> {
                                    if (metric instanceof Counter counter) {
                                        String reason =
                                                group.getAllVariables()
                                                        .get(
                                                                "<"
                                                                        + ParseFunction.REASON_GROUP
                                                                        + ">");
                                        counters.put(
                                                reason == null ? name : name + "[" + reason + "]",
                                                counter);
                                    }
                                })
                        .build();
        return new MockEnvironmentBuilder()
                .setMetricGroup(
                        TaskManagerMetricGroup.createTaskManagerMetricGroup(
                                        registry, "localhost", ResourceID.generate())
                                .addJob(new JobID(), "vigil")
                                .addTask(ExecutionAttemptID.randomId(), "parse"))
                .build();
    }
}
