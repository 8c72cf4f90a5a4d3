package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.testing.Await;
import io.vigil.testing.CollectingSink;
import io.vigil.testing.LogCapture;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.testing.MqttTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parallelism 2 spreads one topic over two readers through a shared subscription, on Mosquitto and
 * on HiveMQ.
 */
class MqttSharedSubscriptionITCase extends MqttBrokersTestBase {

    private static final int MESSAGES = 2000;

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void eachMessageReachesExactlyOneOfTwoReadersInAFaultFreeRun(MqttTestBroker broker)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String key = "shared-" + id;
        String topic = "it/shared/" + id + "/temperature";
        StreamExecutionEnvironment env =
                collectingJob(source(broker, "shared", id).build(), 2, key);

        JobClient job = env.executeAsync("shared subscription");
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(broker.uri())) {
            // HiveMQ may never give the second reader a probe (see below): one shows the start.
            MqttTestJobs.probeUntilSubscribed(publisher, topic, key, broker == MOSQUITTO ? 2 : 1);
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
        if (broker == MOSQUITTO) {
            // Mosquitto deals a shared subscription's messages round robin; HiveMQ CE gives them
            // all to one of readers that acknowledge at checkpoints (MqttBrokerBehaviourITCase,
            // docs/mqtt-source.md, "Brokers").
            assertThat(MqttTestJobs.subtasksWithRecords(key, "s")).containsExactlyInAnyOrder(0, 1);
        }
    }

    static Stream<Arguments> brokersAndVersions() {
        return brokers()
                .flatMap(
                        broker ->
                                Stream.of(MqttProtocolVersion.values())
                                        .map(version -> Arguments.of(broker, version)));
    }

    /**
     * A restart without state at a lower parallelism: the session of the removed subtask would stay
     * in the share group and take its share of the messages; the source removes it at the start.
     * The first run waits until both readers have logged their subscription (HiveMQ may never give
     * one of them a probe).
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("brokersAndVersions")
    void aStatelessRestartAtLowerParallelismLeavesNoSessionThatAbsorbsMessages(
            MqttTestBroker broker, MqttProtocolVersion version) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it/stale/" + id + "/temperature";
        String firstKey = "stale-first-" + id;
        String secondKey = "stale-second-" + id;
        int messages = 200;
        MqttSource<MqttMessage> source =
                source(broker, "stale", id)
                        .set(MqttSourceOptions.SHARED_SUBSCRIPTION_ALWAYS, true)
                        .set(MqttSourceOptions.PROTOCOL_VERSION, version)
                        .build();
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(broker.uri())) {
            try (LogCapture log = LogCapture.start(Level.INFO)) {
                JobClient first = collectingJob(source, 2, firstKey).executeAsync("parallelism 2");
                Await.until(
                        () ->
                                log.hasLineStartingWith("MQTT client stale-" + id + "-0 connected")
                                        && log.hasLineStartingWith(
                                                "MQTT client stale-" + id + "-1 connected"),
                        Duration.ofSeconds(60),
                        () -> "both readers of the first run subscribed");
                first.cancel().get();
            }

            JobClient second = collectingJob(source, 1, secondKey).executeAsync("parallelism 1");
            try {
                MqttTestJobs.probeUntilSubscribed(publisher, topic, secondKey, 1);
                publisher.publishMany(topic, "m", 0, messages, 1);
                Await.until(
                        () -> MqttTestJobs.payloads(secondKey).size() >= messages,
                        Duration.ofSeconds(20),
                        () -> "saw " + MqttTestJobs.payloads(secondKey).size() + " of " + messages);
            } finally {
                second.cancel().get();
            }
        }
        assertThat(MqttTestJobs.payloads(secondKey))
                .containsExactlyInAnyOrder(MqttSourceReaderExpectations.expected("m", messages));
    }

    /** A source on {@code it/{area}/{id}/+} with the client id prefix {@code {area}-{id}}. */
    private static MqttSourceBuilder<MqttMessage> source(
            MqttTestBroker broker, String area, String id) {
        return MqttSource.<MqttMessage>builder()
                .setBrokerUris(broker.uri())
                .setTopicFilters("it/" + area + "/" + id + "/+")
                .setClientIdPrefix(area + "-" + id)
                .setDeserializer(MqttDeserializationSchema.raw());
    }

    /** A job that tags each message with its subtask and collects it under {@code key}. */
    private static StreamExecutionEnvironment collectingJob(
            MqttSource<MqttMessage> source, int parallelism, String key) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(200);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt")
                .map(new MqttTestJobs.TaggingMapper())
                .sinkTo(new CollectingSink<>(key));
        return env;
    }
}
