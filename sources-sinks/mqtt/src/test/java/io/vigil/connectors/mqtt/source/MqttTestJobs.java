package io.vigil.connectors.mqtt.source;

import io.vigil.testing.MosquittoTestPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Pieces the MiniCluster tests of the MQTT source share: a collecting sink, tags, waits. */
final class MqttTestJobs {

    private static final Map<String, ConcurrentLinkedQueue<Object>> RESULTS =
            new ConcurrentHashMap<>();

    private MqttTestJobs() {}

    /** Everything the sink of {@code key} received so far, duplicates included. */
    @SuppressWarnings("unchecked")
    static <T> List<T> results(String key) {
        return new ArrayList<>(
                (ConcurrentLinkedQueue<T>)
                        RESULTS.getOrDefault(key, new ConcurrentLinkedQueue<>()));
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

    /** Collects every record into a static list named by {@code key}. */
    static final class CollectSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final String key;

        CollectSink(String key) {
            this.key = key;
            RESULTS.put(key, new ConcurrentLinkedQueue<>());
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            ConcurrentLinkedQueue<Object> target = RESULTS.get(key);
            return new SinkWriter<T>() {
                @Override
                public void write(T element, Context context) {
                    target.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
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
