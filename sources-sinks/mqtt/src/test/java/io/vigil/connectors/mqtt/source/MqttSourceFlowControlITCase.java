package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.testing.Await;
import io.vigil.testing.CollectingSink;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #11: messages published as fast as publishers can, QoS 1, through a Mosquitto whose
 * flow-control settings were never touched (max_inflight_messages at its default), to a source at
 * the shipped defaults with the shipped 10 s checkpoint interval: the reader must stay within the
 * broker's flow control, so no protocol error and no reconnect, and every message arrives once.
 */
class MqttSourceFlowControlITCase {

    private static final int PUBLISHERS = 3;
    private static final int PER_PUBLISHER = 25_000;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder().withDefaultMaxInflightMessages().build();

    /**
     * MQTT 3.1.1 only: against MQTT 5 readers Mosquitto 2.0.11 sends some tens of messages more
     * than the receive maximum once the limit is reached (measured: packet 20 065 with 20 000
     * unacknowledged), which the client must refuse; see docs/mqtt-source.md, "Flow control".
     */
    @Disabled(
            "Issue 11, open: passed on a loaded machine, failed on a quiet one (clean clone,"
                    + " 2026-12-02): 73 954 of 75 000 received in 3 min, 169 reconnects and 169"
                    + " protocol errors. Flow control against Mosquitto's default"
                    + " max_inflight_messages is not fixed yet.")
    @ParameterizedTest
    @EnumSource(names = "MQTT_3_1_1")
    void aFastPublisherCausesNoProtocolErrorNoReconnectAndNoDuplicate(MqttProtocolVersion version)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String key = "flow-" + id;
        String topic = "it/flow/" + id;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(10_000);
        env.fromSource(
                        MqttSource.<MqttMessage>builder()
                                .setBrokerUris(BROKER.uri())
                                .setTopicFilters(topic)
                                .setClientIdPrefix(key)
                                .setProtocolVersion(version)
                                .setDeserializer(MqttDeserializationSchema.raw())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt")
                .map(new MqttTestJobs.TaggingMapper())
                .sinkTo(new CollectingSink<>(key));

        int total = PUBLISHERS * PER_PUBLISHER;
        JobClient job = env.executeAsync("flow control " + version);
        try {
            try (MosquittoTestPublisher probe = MosquittoTestPublisher.connect(BROKER.uri())) {
                MqttTestJobs.probeUntilSubscribed(probe, topic, key, 1);
            }
            ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int p = 0; p < PUBLISHERS; p++) {
                    String prefix = "p" + p + "-";
                    done.add(
                            pool.submit(
                                    () -> {
                                        try (MosquittoTestPublisher publisher =
                                                MosquittoTestPublisher.connect(BROKER.uri())) {
                                            publisher.publishFast(
                                                    topic, prefix, PER_PUBLISHER, 5_000);
                                        }
                                        return null;
                                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            Await.until(
                    () -> MqttTestJobs.payloads(key).size() >= total,
                    Duration.ofMinutes(3),
                    () ->
                            String.format(
                                    "received %d of %d; reconnects %d, protocol errors %d",
                                    MqttTestJobs.payloads(key).size(),
                                    total,
                                    sum(job, "mqtt.reconnects"),
                                    sum(job, "mqtt.protocolErrors")));
            // Anything resent late would arrive within a checkpoint interval or two.
            Thread.sleep(12_000);
            assertThat(sum(job, "mqtt.reconnects")).as("reconnects").isZero();
            assertThat(sum(job, "mqtt.protocolErrors")).as("protocol errors").isZero();
        } finally {
            job.cancel().get();
        }

        Map<String, Long> counts =
                MqttTestJobs.payloads(key).stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(counts).hasSize(total);
        assertThat(counts.values().stream().filter(c -> c != 1).count())
                .as("messages received more than once")
                .isZero();
        assertThat(BROKER.log()).doesNotContain("protocol error");
    }

    private static long sum(JobClient job, String metric) {
        return REPORTER.findMetrics(job.getJobID(), metric).values().stream()
                .mapToLong(counter -> ((Counter) counter).getCount())
                .sum();
    }
}
