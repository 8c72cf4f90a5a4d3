package io.vigil.connectors.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.source.MqttDeserializationSchema;
import io.vigil.connectors.mqtt.source.MqttMessage;
import io.vigil.connectors.mqtt.source.MqttSource;
import io.vigil.testing.FreePorts;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.testing.MosquittoTestSubscriber;
import io.vigil.testing.MosquittoTestSubscriber.Received;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Jobs on a MiniCluster that publish through {@link MqttSink} to a real Mosquitto. */
class MqttSinkITCase {

    private static final String USER = "vigil";
    private static final String PASSWORD = "correct horse";

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder().withPasswordListener(USER, PASSWORD).build();

    @TempDir static Path secrets;

    /** Reading {@code i} goes to {@code {base}/{i % 4}} as {@code reading-i}. */
    static final class ReadingSerializer implements MqttSerializationSchema<Long> {
        private final String base;

        ReadingSerializer(String base) {
            this.base = base;
        }

        @Override
        public String topic(Long i) {
            return base + "/" + (i % 4);
        }

        @Override
        public byte[] payload(Long i) {
            return ("reading-" + i).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Republishes a received message under {@code out/}, unchanged. */
    static final class Forward implements MqttSerializationSchema<MqttMessage> {
        @Override
        public String topic(MqttMessage message) {
            return "out/" + message.getTopic();
        }

        @Override
        public byte[] payload(MqttMessage message) {
            return message.getPayload();
        }
    }

    /**
     * Adds a job that reads the source's topics and publishes each message to {@code out/<its
     * topic>}, source and sink built from the one configuration {@code job}.
     */
    static void forwardInToOut(StreamExecutionEnvironment env, Configuration job) {
        env.fromSource(
                        MqttSource.<MqttMessage>builder()
                                .setConfiguration(job)
                                .setDeserializer(MqttDeserializationSchema.raw())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt-in")
                .uid("mqtt-in")
                .sinkTo(
                        MqttSink.<MqttMessage>builder()
                                .setConfiguration(job)
                                .setSerializer(new Forward())
                                .build())
                .name("mqtt-out")
                .uid("mqtt-out");
    }

    /** An environment without restarts. */
    static StreamExecutionEnvironment environment(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void publishesEveryElementToItsTopicAtQos1(MqttProtocolVersion version) throws Exception {
        String base = "it/sink/" + UUID.randomUUID().toString().substring(0, 8);
        int count = 3000;
        try (MosquittoTestSubscriber subscriber =
                MosquittoTestSubscriber.subscribe(BROKER.uri(), base + "/#")) {
            StreamExecutionEnvironment env = environment(2);
            env.fromSequence(0, count - 1)
                    .sinkTo(
                            MqttSink.<Long>builder()
                                    .setBrokerUris(BROKER.uri())
                                    .setProtocolVersion(version)
                                    .setQos(1)
                                    .setSerializer(new ReadingSerializer(base))
                                    .build())
                    .name("mqtt-sink")
                    .uid("mqtt-sink");
            env.execute("mqtt sink " + version);

            List<Received> received = subscriber.await(count, Duration.ofSeconds(30));
            assertThat(received)
                    .containsExactlyInAnyOrderElementsOf(
                            LongStream.range(0, count)
                                    .mapToObj(
                                            i ->
                                                    new Received(
                                                            base + "/" + (i % 4),
                                                            "reading-" + i,
                                                            1,
                                                            false))
                                    .collect(Collectors.toList()));
        }
    }

    @Test
    void oneConfigurationServesTheSourceAndTheSink() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Configuration job = new Configuration();
        job.setString("mqtt.broker-uris", BROKER.uri());
        job.setString("mqtt.topic-filters", "in/" + id + "/#");
        job.setString("mqtt.client-id-prefix", "roundtrip-" + id);
        job.setString("mqtt.protocol-version", "MQTT_5");
        int count = 500;
        try (MosquittoTestSubscriber subscriber =
                        MosquittoTestSubscriber.subscribe(BROKER.uri(), "out/in/" + id + "/#");
                MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
            StreamExecutionEnvironment env = environment(1);
            env.enableCheckpointing(500);
            forwardInToOut(env, job);
            JobClient client = env.executeAsync("mqtt round trip");
            try {
                // The source must have subscribed before anything is published.
                Thread.sleep(2000);
                publisher.publishMany("in/" + id + "/dev", "m-", 0, count, 1);

                List<Received> received = subscriber.await(count, Duration.ofSeconds(30));
                assertThat(received.stream().map(Received::payload).collect(Collectors.toSet()))
                        .hasSize(count)
                        .contains("m-0", "m-" + (count - 1));
                assertThat(received)
                        .allSatisfy(r -> assertThat(r.topic()).isEqualTo("out/in/" + id + "/dev"));
            } finally {
                client.cancel().get();
            }
        }
    }

    @Test
    void failsTheJobNamingTheBrokerWhenThePasswordIsWrong() throws Exception {
        Path file = secrets.resolve(UUID.randomUUID().toString());
        Files.writeString(file, "wrong\n");

        String failure =
                failure(
                        MqttSink.<Long>builder()
                                .setBrokerUris(BROKER.passwordUri())
                                .setUsername(USER)
                                .setPasswordFile(file.toString())
                                .setSerializer(new ReadingSerializer("it/sink/denied"))
                                .build());

        assertThat(failure)
                .contains("Cannot connect to MQTT broker " + BROKER.passwordUri())
                .contains("as client vigil-publisher-0")
                .containsAnyOf("NOT_AUTHORIZED", "BAD_USER_NAME_OR_PASSWORD");
    }

    @Test
    void failsTheJobNamingTheBrokerWhenItIsUnreachable() throws Exception {
        String nobody = "tcp://127.0.0.1:" + FreePorts.next();

        String failure =
                failure(
                        MqttSink.<Long>builder()
                                .setBrokerUris(nobody)
                                .setConnectTimeout(Duration.ofSeconds(3))
                                .setSerializer(new ReadingSerializer("it/sink/nowhere"))
                                .build());

        assertThat(failure).contains("Cannot connect to MQTT broker " + nobody);
    }

    private static String failure(MqttSink<Long> sink) {
        StreamExecutionEnvironment env = environment(1);
        env.fromSequence(0, 9).sinkTo(sink).name("mqtt-sink");
        Throwable[] error = new Throwable[1];
        assertThatThrownBy(() -> env.execute("mqtt sink failure")).satisfies(e -> error[0] = e);
        return ExceptionUtils.stringifyException(error[0]);
    }
}
