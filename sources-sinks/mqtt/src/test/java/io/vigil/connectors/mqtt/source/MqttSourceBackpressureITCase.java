package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.Await;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A sink that stops taking records back-pressures the source without its queue growing. */
class MqttSourceBackpressureITCase {

    private static final int MESSAGES = 5000;
    // Large enough that 5000 of them overflow Flink's network buffers.
    private static final int PADDING = 1024;
    private static final int QUEUE_CAPACITY = 50;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.of(1, 1, REPORTER.addToConfiguration(new Configuration()));

    @RegisterExtension static final MosquittoExtension BROKER = new MosquittoExtension();

    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final Set<String> RECEIVED = ConcurrentHashMap.newKeySet();

    @Test
    void blockedSinkKeepsTheHandOverQueueWithinItsCapacity() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it/backpressure/" + id;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        env.fromSource(
                        MqttSource.<String>builder()
                                .setBrokerUris(BROKER.uri())
                                .setTopicFilters(topic)
                                .setClientIdPrefix("backpressure-" + id)
                                .setQueueCapacity(QUEUE_CAPACITY)
                                .setDeserializer(MqttDeserializationSchema.payloadAsUtf8())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt")
                .disableChaining()
                .sinkTo(new BlockingSink())
                .disableChaining();

        JobClient job = env.executeAsync("backpressure");
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
            Await.until(
                    () -> queuedGauge(job).isPresent(),
                    Duration.ofSeconds(30),
                    () -> "the source never registered its queue gauge");
            // The source has subscribed once a probe went through it.
            for (int i = 0; received(job) == 0; i++) {
                publisher.publish(topic, "probe-" + i, 1);
                Thread.sleep(100);
            }
            publisher.publishMany(topic, "m", 0, MESSAGES, 1, PADDING);

            int highest = 0;
            long until = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < until) {
                highest = Math.max(highest, queued(job));
                Thread.sleep(10);
            }
            assertThat(highest).as("queue reached under backpressure").isEqualTo(QUEUE_CAPACITY);

            RELEASE.countDown();
            Await.until(
                    () -> data().size() >= MESSAGES,
                    Duration.ofSeconds(60),
                    () -> "sink saw " + data().size() + " of " + MESSAGES);
            assertThat(queued(job)).isLessThanOrEqualTo(QUEUE_CAPACITY);
        } finally {
            RELEASE.countDown();
            job.cancel().get();
        }
        assertThat(data())
                .containsExactlyInAnyOrder(MqttSourceReaderExpectations.expected("m", MESSAGES));
    }

    private static Optional<Gauge<?>> queuedGauge(JobClient job) {
        Map<String, Metric> metrics = REPORTER.findMetrics(job.getJobID(), "mqtt.queuedMessages");
        return metrics.values().stream().findFirst().map(metric -> (Gauge<?>) metric);
    }

    private static Set<String> data() {
        return RECEIVED.stream()
                .filter(payload -> !payload.startsWith("probe"))
                .map(payload -> payload.substring(0, payload.indexOf(' ')))
                .collect(Collectors.toSet());
    }

    private static long received(JobClient job) {
        return REPORTER.findMetrics(job.getJobID(), "mqtt.messagesReceived").values().stream()
                .mapToLong(counter -> ((Counter) counter).getCount())
                .sum();
    }

    private static int queued(JobClient job) {
        return queuedGauge(job).map(gauge -> ((Number) gauge.getValue()).intValue()).orElse(0);
    }

    /** Holds every record until {@link #RELEASE} opens. */
    static final class BlockingSink implements Sink<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<String> createWriter(WriterInitContext context) {
            return new SinkWriter<String>() {
                @Override
                public void write(String element, Context context) throws InterruptedException {
                    RELEASE.await();
                    RECEIVED.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
