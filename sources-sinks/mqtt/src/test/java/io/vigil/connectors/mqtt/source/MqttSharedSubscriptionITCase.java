package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.Await;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Parallelism 2 spreads one topic over two readers through a shared subscription. */
class MqttSharedSubscriptionITCase {

    private static final int MESSAGES = 2000;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @RegisterExtension static final MosquittoExtension BROKER = new MosquittoExtension();

    @Test
    void eachMessageReachesExactlyOneOfTwoReadersInAFaultFreeRun() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String key = "shared-" + id;
        String topic = "it/shared/" + id + "/temperature";
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromSource(
                        MqttSource.<MqttMessage>builder()
                                .setBrokerUris(BROKER.uri())
                                .setTopicFilters("it/shared/" + id + "/+")
                                .setClientIdPrefix("shared-" + id)
                                .setDeserializer(MqttDeserializationSchema.raw())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt")
                .map(new MqttTestJobs.TaggingMapper())
                .sinkTo(new MqttTestJobs.CollectSink<>(key));

        JobClient job = env.executeAsync("shared subscription");
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
            MqttTestJobs.probeUntilSubscribed(publisher, topic, key, 2);
            publisher.publishMany(topic, "s", 0, MESSAGES, 1);
            Await.until(
                    () -> MqttTestJobs.payloads(key).size() >= MESSAGES,
                    Duration.ofSeconds(60),
                    () -> "saw " + MqttTestJobs.payloads(key).size() + " of " + MESSAGES);
            // Give a stray duplicate the chance to show up before judging.
            Thread.sleep(500);
        } finally {
            job.cancel().get();
        }

        List<String> payloads = MqttTestJobs.payloads(key);
        assertThat(payloads)
                .hasSize(MESSAGES)
                .containsExactlyInAnyOrder(MqttSourceReaderExpectations.expected("s", MESSAGES));
        assertThat(MqttTestJobs.subtasksWithRecords(key, "s")).containsExactlyInAnyOrder(0, 1);
    }
}
