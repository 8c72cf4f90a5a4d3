package io.vigil.connectors.mqtt.source;

import io.vigil.testing.CollectingSink;
import io.vigil.testing.MosquittoTestPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Pieces the MiniCluster tests of the MQTT source share: results by name, tags, probes. */
final class MqttTestJobs {

    private MqttTestJobs() {}

    /** Everything the {@link CollectingSink} named {@code key} received so far. */
    static <T> List<T> results(String key) {
        return CollectingSink.results(key);
    }

    /** Records of a {@link TaggingMapper}, without probes, as payloads. */
    static List<String> payloads(String key) {
        return MqttTestJobs.<String>results(key).stream()
                .map(tagged -> tagged.substring(tagged.indexOf('|') + 1))
                .filter(payload -> !payload.startsWith("probe"))
                .collect(Collectors.toList());
    }

    /** Subtask indexes that received at least one record. */
    static Set<Integer> subtasksWithRecords(String key, String payloadPrefix) {
        return MqttTestJobs.<String>results(key).stream()
                .filter(
                        tagged ->
                                tagged.substring(tagged.indexOf('|') + 1).startsWith(payloadPrefix))
                .map(tagged -> Integer.parseInt(tagged.substring(0, tagged.indexOf('|'))))
                .collect(Collectors.toSet());
    }

    /**
     * Publishes probes until each of {@code subtasks} readers has received one, which shows that
     * their subscriptions are in place.
     */
    static void probeUntilSubscribed(
            MosquittoTestPublisher publisher, String topic, String key, int subtasks)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int i = 0;
        while (subtasksWithRecords(key, "probe").size() < subtasks) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The source never received a probe on " + topic);
            }
            publisher.publish(topic, "probe-" + i++, 1);
            Thread.sleep(100);
        }
    }

    /** Turns a message into {@code "{subtask}|{payload}"}. */
    static final class TaggingMapper extends RichMapFunction<MqttMessage, String> {
        private static final long serialVersionUID = 1L;
        private transient int subtask;

        @Override
        public void open(OpenContext openContext) {
            subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        }

        @Override
        public String map(MqttMessage message) {
            return subtask + "|" + new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }
}
