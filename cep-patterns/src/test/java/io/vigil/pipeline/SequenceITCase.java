package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.TestPatterns;
import io.vigil.cep.config.PatternConfig;
import io.vigil.model.RawMessage;
import io.vigil.testing.MiniClusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A sequence across two metrics of one device on a parallel mini cluster: the device's temperature
 * and sound readings are handled by different subtasks of the engine keyed by sensor, and still
 * meet in the engine keyed by device.
 */
class SequenceITCase {

    private static final long S = 1000;
    private static final long T0 = 1_764_316_800_000L; // 2025-11-28T08:00:00Z
    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, PARALLELISM);

    @Test
    void matchesReadingsOfTwoMetricsHandledByDifferentSubtasks() throws Exception {
        String hot = deviceSplitAcrossSubtasks(0);
        String quiet = deviceSplitAcrossSubtasks(1);
        List<RawMessage> messages = new ArrayList<>();
        for (String device : List.of(hot, quiet)) {
            for (long t = 0; t < 150 * S; t += 5 * S) {
                double celsius = device.equals(hot) && t == 30 * S ? 85 : 60;
                messages.add(reading(device, "temperature", t, celsius, "C"));
            }
            for (long t = 0; t < 150 * S; t += S) {
                double level = t >= 100 * S && t <= 102 * S ? 90 + (t - 100 * S) / S : 60;
                messages.add(reading(device, "sound", t, level, "dB"));
            }
        }
        messages.sort(Comparator.comparingLong(RawMessage::arrivalTime));
        StreamExecutionEnvironment env = MiniClusters.environment(PARALLELISM);

        SensorAnalytics.Outputs out =
                new SensorAnalytics(
                                new Configuration(),
                                new PatternConfig(
                                        List.of(
                                                TestPatterns.SOUND_BURST,
                                                TestPatterns.HOT_THEN_LOUD)))
                        .apply(env.fromData(messages, TypeInformation.of(RawMessage.class)));
        AnalyticsRun run = AnalyticsRun.execute(env, out, "sequence");

        assertThat(run.alerts())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("message")
                .containsExactlyInAnyOrder(
                        AnalyticsRun.expectedSoundBurst("plant-a", hot, T0 + 100 * S, 90, 91, 92),
                        AnalyticsRun.expectedSoundBurst("plant-a", quiet, T0 + 100 * S, 90, 91, 92),
                        AnalyticsRun.expectedAlert(
                                TestPatterns.HOT_THEN_LOUD,
                                "plant-a",
                                hot,
                                "sound",
                                T0 + 30 * S,
                                T0 + 102 * S,
                                4,
                                92));
        assertThat(run.deadLetters()).isEmpty();
    }

    /** The {@code skip}-th device whose temperature and sound go to different engine subtasks. */
    private static String deviceSplitAcrossSubtasks(int skip) {
        int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(PARALLELISM);
        return IntStream.range(0, 100)
                .mapToObj(i -> String.format("press-%02d", i))
                .filter(
                        device ->
                                subtask("plant-a/" + device + "/temperature", maxParallelism)
                                        != subtask("plant-a/" + device + "/sound", maxParallelism))
                .skip(skip)
                .findFirst()
                .orElseThrow();
    }

    private static int subtask(String key, int maxParallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                key, maxParallelism, PARALLELISM);
    }

    private static RawMessage reading(
            String device, String metric, long t, double value, String unit) {
        return RawMessage.of(
                "sensors/plant-a/" + device + "/" + metric,
                String.format("{\"ts\":%d,\"value\":%s,\"unit\":\"%s\"}", T0 + t, value, unit),
                T0 + t);
    }
}
