package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.Await;
import io.vigil.testing.CollectingSink;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.testing.MqttTestBroker;
import java.time.Duration;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broker, Mosquitto or HiveMQ, stops and starts again (with persistence) while the job reads.
 */
class MqttBrokerRestartITCase extends MqttBrokersTestBase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 1);

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void reconnectsAfterABrokerRestartAndLosesNoQos1Message(MqttTestBroker broker)
            throws Exception {
        // HiveMQ sends a reader at most 50 messages per completed checkpoint: a smaller batch
        // still stops the broker in mid-stream and keeps the run short.
        int batch = broker == HIVEMQ ? 300 : 1000;
        String id = UUID.randomUUID().toString().substring(0, 8);
        String key = "restart-" + id;
        String topic = "it/restart/" + id;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        env.fromSource(
                        MqttSource.<MqttMessage>builder()
                                .setBrokerUris(broker.uri())
                                .setTopicFilters(topic)
                                .setClientIdPrefix("restart-" + id)
                                .setReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                                .setDeserializer(MqttDeserializationSchema.raw())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt")
                .map(new MqttTestJobs.TaggingMapper())
                .map(new Slow())
                .sinkTo(new CollectingSink<>(key));

        JobClient job = env.executeAsync("broker restart");
        try {
            try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(broker.uri())) {
                MqttTestJobs.probeUntilSubscribed(publisher, topic, key, 1);
                publisher.publishMany(topic, "a", 0, batch, 1);
            }
            Await.until(
                    () -> MqttTestJobs.payloads(key).size() >= 100,
                    Duration.ofSeconds(30),
                    () -> "the job did not start reading");
            int beforeStop = MqttTestJobs.payloads(key).size();
            broker.stop();
            Thread.sleep(1000);
            broker.start();
            try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(broker.uri())) {
                publisher.publishMany(topic, "b", 0, batch, 1);
            }
            Await.until(
                    () -> MqttTestJobs.payloads(key).size() >= 2 * batch,
                    Duration.ofSeconds(60),
                    () -> "saw " + MqttTestJobs.payloads(key).size() + " of " + 2 * batch);
            // Anything resent late (a copy emitted twice) would come within a few checkpoints.
            Thread.sleep(2_000);
            assertThat(beforeStop)
                    .as("the broker stopped in the middle of the stream")
                    .isLessThan(batch);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }

        String[] expected = new String[2 * batch];
        System.arraycopy(MqttSourceReaderExpectations.expected("a", batch), 0, expected, 0, batch);
        System.arraycopy(
                MqttSourceReaderExpectations.expected("b", batch), 0, expected, batch, batch);
        // Exact, not distinct: the resent copies of messages emitted before the restart must not
        // be emitted again (there was no Flink rollback).
        assertThat(MqttTestJobs.payloads(key)).containsExactlyInAnyOrder(expected);
        assertThat(broker.log()).contains("restart-" + id + "-0");
    }

    /** Keeps part of the first batch unread (and unacknowledged) when the broker stops. */
    static final class Slow implements MapFunction<String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(String value) throws Exception {
            Thread.sleep(2);
            return value;
        }
    }
}
