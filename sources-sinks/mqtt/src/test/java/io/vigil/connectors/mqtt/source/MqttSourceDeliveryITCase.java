package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.testing.Await;
import io.vigil.testing.CollectingSink;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MqttTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the source delivers in a Flink job, from Mosquitto and from HiveMQ: every QoS over both
 * protocol versions, wildcards, retained messages and user properties.
 */
class MqttSourceDeliveryITCase extends MqttBrokersTestBase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    private static MqttSource<MqttMessage> source(
            MqttTestBroker broker,
            String prefix,
            MqttProtocolVersion version,
            int qos,
            String... filters) {
        return MqttSource.<MqttMessage>builder()
                .setBrokerUris(broker.uri())
                .setTopicFilters(filters)
                .setQos(qos)
                .setProtocolVersion(version)
                .setClientIdPrefix(prefix)
                .setDeserializer(MqttDeserializationSchema.raw())
                .build();
    }

    private static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void deliversEveryQosOverBothProtocolVersions(MqttTestBroker broker) throws Exception {
        String id = id();
        String key = "qos-" + id;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        DataStream<MqttMessage> all = null;
        for (MqttProtocolVersion version : MqttProtocolVersion.values()) {
            for (int qos = 0; qos <= 2; qos++) {
                String name = version + "-" + qos;
                DataStream<MqttMessage> stream =
                        env.fromSource(
                                        source(
                                                broker,
                                                "qos-" + id + "-" + name,
                                                version,
                                                qos,
                                                "it/qos/" + id + "/" + name),
                                        WatermarkStrategy.noWatermarks(),
                                        name)
                                .uid(name);
                all = all == null ? stream : all.union(stream);
            }
        }
        all.sinkTo(new CollectingSink<>(key));
        JobClient job = env.executeAsync("qos x version");
        try {
            awaitAllSubscribed(broker, id, key);
            for (MqttProtocolVersion version : MqttProtocolVersion.values()) {
                for (int qos = 0; qos <= 2; qos++) {
                    String name = version + "-" + qos;
                    for (int i = 0; i < 20; i++) {
                        broker.publisher()
                                .publish("it/qos/" + id + "/" + name, name + "#" + i, qos);
                    }
                }
            }
            Await.until(
                    () -> payloadsOf(key).size() >= 120,
                    Duration.ofSeconds(30),
                    () -> "got " + payloadsOf(key).size() + " of 120");
        } finally {
            job.cancel().get();
        }

        List<MqttMessage> received =
                MqttTestJobs.<MqttMessage>results(key).stream()
                        .filter(m -> !payload(m).startsWith("probe"))
                        .collect(Collectors.toList());
        assertThat(received).hasSize(120);
        for (MqttProtocolVersion version : MqttProtocolVersion.values()) {
            for (int qos = 0; qos <= 2; qos++) {
                String name = version + "-" + qos;
                int expectedQos = qos;
                List<MqttMessage> ofCase =
                        received.stream()
                                .filter(m -> m.getTopic().equals("it/qos/" + id + "/" + name))
                                .collect(Collectors.toList());
                assertThat(ofCase).as(name).hasSize(20);
                assertThat(ofCase).allSatisfy(m -> assertThat(m.getQos()).isEqualTo(expectedQos));
                assertThat(ofCase.stream().map(MqttSourceDeliveryITCase::payload))
                        .as(name)
                        .containsExactlyInAnyOrderElementsOf(
                                java.util.stream.IntStream.range(0, 20)
                                        .mapToObj(i -> name + "#" + i)
                                        .collect(Collectors.toList()));
            }
        }
    }

    private static void awaitAllSubscribed(MqttTestBroker broker, String id, String key)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int i = 0;
        while (true) {
            long subscribed =
                    MqttTestJobs.<MqttMessage>results(key).stream()
                            .filter(m -> payload(m).startsWith("probe"))
                            .map(MqttMessage::getTopic)
                            .distinct()
                            .count();
            if (subscribed == 6) {
                return;
            }
            assertThat(System.nanoTime()).as("all six sources subscribed").isLessThan(deadline);
            for (MqttProtocolVersion version : MqttProtocolVersion.values()) {
                for (int qos = 0; qos <= 2; qos++) {
                    broker.publisher()
                            .publish("it/qos/" + id + "/" + version + "-" + qos, "probe-" + i, 1);
                }
            }
            i++;
            Thread.sleep(200);
        }
    }

    private static List<String> payloadsOf(String key) {
        return MqttTestJobs.<MqttMessage>results(key).stream()
                .map(MqttSourceDeliveryITCase::payload)
                .filter(p -> !p.startsWith("probe"))
                .collect(Collectors.toList());
    }

    private static String payload(MqttMessage message) {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokers")
    void deliversWhatTheWildcardsMatchRetainedMessagesAndUserProperties(MqttTestBroker broker)
            throws Exception {
        String id = id();
        String key = "wild-" + id;
        String base = "it/wild/" + id;
        broker.publisher().publish(base + "/retained/r1", "kept", 1, true, Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        // Without acknowledgements HiveMQ sends a session one QoS 1 message and queues the rest.
        env.enableCheckpointing(200);
        env.fromSource(
                        source(
                                broker,
                                "wild-" + id,
                                MqttProtocolVersion.MQTT_5,
                                1,
                                base + "/+/temperature",
                                base + "/alarms/#",
                                base + "/retained/#"),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt")
                .sinkTo(new CollectingSink<>(key));
        JobClient job = env.executeAsync("wildcards");
        try {
            Await.until(
                    () -> MqttTestJobs.results(key).size() >= 1,
                    Duration.ofSeconds(30),
                    () -> "the retained message never came");
            broker.publisher().publish(base + "/pump-1/pressure", "no: other metric", 1);
            broker.publisher().publish(base + "/pump-1/x/temperature", "no: + is one level", 1);
            broker.publisher().publish(base + "/pump-1/temperature", "yes: +", 1);
            broker.publisher().publish(base + "/alarms", "yes: # matches the parent", 1);
            broker.publisher()
                    .publish(
                            base + "/alarms/a/b/c",
                            "yes: # many levels",
                            1,
                            false,
                            Map.of("unit", "dB"));
            broker.publisher().publish(base + "/pump-1/temperature", "end", 1);
            Await.until(
                    () ->
                            MqttTestJobs.<MqttMessage>results(key).stream()
                                    .anyMatch(m -> payload(m).equals("end")),
                    Duration.ofSeconds(30),
                    () -> "the end marker never came");
        } finally {
            job.cancel().get();
        }

        List<MqttMessage> received = MqttTestJobs.results(key);
        assertThat(received.stream().map(MqttSourceDeliveryITCase::payload))
                .containsExactly(
                        "kept", "yes: +", "yes: # matches the parent", "yes: # many levels", "end");
        assertThat(received.get(0).isRetained()).isTrue();
        assertThat(received.get(0).getTopic()).isEqualTo(base + "/retained/r1");
        assertThat(received.get(1).isRetained()).isFalse();
        assertThat(received.get(3).getUserProperties()).containsEntry("unit", "dB");
        assertThat(received).allSatisfy(m -> assertThat(m.getArrivalTime()).isPositive());
    }
}
