package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.cep.TestPatterns;
import io.vigil.cep.config.PatternConfig;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.testing.MiniClusters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expected keys and per-device overrides through the whole analytics core on a mini cluster at
 * parallelism 2: each expected key that never sends alerts once, on whichever subtask holds it;
 * expected keys that send do not; each microphone's bursts are judged by its own threshold.
 */
class ExpectedKeysITCase {

    private static final long S = 1000;
    private static final long T0 = 1_764_316_800_000L; // 2025-11-28T08:00:00Z
    private static final long DURATION = 3 * 60 * S;
    private static final long AFTER = 60 * S;
    private static final int PARALLELISM = 2;

    private static final List<String> NEVER_SENDING =
            List.of(
                    "plant-a/mic-20/sound",
                    "plant-a/mic-21/sound",
                    "plant-b/mic-22/sound",
                    "plant-b/mic-23/sound",
                    "plant-b/pump-7/temperature",
                    "plant-c/mic-24/sound");

    private static final String PATTERNS =
            """
            patterns:
              - name: quiet
                type: silence
                metrics: ["*"]
                after: 1m
              - name: loud
                type: burst
                metrics: [sound]
                threshold: 85
                min-events: 3
                within: 10s
                overrides:
                  - site: plant-b
                    threshold: 95
            expected:
              - plant-a/mic-01/sound
              - plant-b/mic-01/sound
            """;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, PARALLELISM);

    @TempDir Path dir;

    @Test
    void anExpectedKeyThatNeverSendsAlertsOnceAndOverridesApplyPerSite() throws Exception {
        assertThat(
                        NEVER_SENDING.stream()
                                .map(ExpectedKeysITCase::subtask)
                                .collect(Collectors.toSet()))
                .as("the keys that never send are spread over both subtasks")
                .isEqualTo(Set.of(0, 1));
        PatternConfig patterns =
                TestPatterns.load(
                        dir,
                        PATTERNS
                                + NEVER_SENDING.stream()
                                        .map(key -> "  - " + key + "\n")
                                        .collect(Collectors.joining()));
        List<RawMessage> messages = new ArrayList<>();
        for (String site : List.of("plant-a", "plant-b")) {
            for (long t = 0; t < DURATION; t += S) {
                // 92 dB from 60 s to 62 s: above plant-a's 85 dB, not above plant-b's 95 dB.
                double level = t >= 60 * S && t <= 62 * S ? 92 : 60;
                messages.add(reading(site + "/mic-01/sound", T0 + t, level));
                messages.add(reading(site + "/mic-02/sound", T0 + t, 61));
            }
        }
        messages.sort(Comparator.comparingLong(RawMessage::arrivalTime));

        StreamExecutionEnvironment env = MiniClusters.environment(PARALLELISM);
        SensorAnalytics.Outputs out =
                new SensorAnalytics(new Configuration(), patterns)
                        .apply(env.fromData(messages, TypeInformation.of(RawMessage.class)));
        AnalyticsRun run = AnalyticsRun.execute(env, out, "expected keys");

        List<Alert> silences =
                run.alerts().stream().filter(a -> a.pattern().equals("quiet")).toList();
        assertThat(silences)
                .as("one alert for each expected key that never sent, none for those that did")
                .extracting(a -> a.site() + "/" + a.device() + "/" + a.metric())
                .containsExactlyInAnyOrderElementsOf(NEVER_SENDING);
        assertThat(silences)
                .allSatisfy(
                        a -> {
                            assertThat(a.events()).isZero();
                            assertThat(a.endedAt() - a.startedAt()).isEqualTo(AFTER);
                            // From the subtask's first reading or watermark, whichever came first.
                            assertThat(a.startedAt()).isBetween(T0 - 10 * S, T0 + DURATION - AFTER);
                        });
        assertThat(run.alerts())
                .filteredOn(a -> a.pattern().equals("loud"))
                .extracting(Alert::site, Alert::device, Alert::startedAt, Alert::events)
                .containsExactly(tuple("plant-a", "mic-01", T0 + 60 * S, 3));
    }

    private static RawMessage reading(String key, long timestamp, double value) {
        return RawMessage.of(
                "sensors/" + key,
                String.format("{\"ts\":%d,\"value\":%s,\"unit\":\"dB\"}", timestamp, value),
                timestamp + 500);
    }

    /** The engine subtask that holds {@code key}, with Flink's default max parallelism. */
    private static int subtask(String key) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128, PARALLELISM);
    }
}
