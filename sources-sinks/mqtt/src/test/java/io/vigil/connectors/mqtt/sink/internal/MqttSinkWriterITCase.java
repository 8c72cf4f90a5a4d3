package io.vigil.connectors.mqtt.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.sink.MqttSerializationSchema;
import io.vigil.connectors.mqtt.sink.MqttSink;
import io.vigil.connectors.mqtt.sink.MqttSinkBuilder;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.testing.FreePorts;
import io.vigil.testing.HiveMqExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestSubscriber;
import io.vigil.testing.MosquittoTestSubscriber.Received;
import io.vigil.testing.MqttTestBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.MetricsGroupTestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sink writer against a real Mosquitto (and HiveMQ for delivery and a broker restart): flush
 * waits for the acks, failures are loud.
 */
class MqttSinkWriterITCase {

    private static final String USER = "vigil";
    private static final String PASSWORD = "correct horse";

    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder().withPasswordListener(USER, PASSWORD).build();

    @RegisterExtension static final HiveMqExtension HIVEMQ = HiveMqExtension.builder().build();

    /** Each broker with each protocol version and QoS the delivery test covers. */
    static Stream<Arguments> brokersVersionsAndQos() {
        return Stream.of(BROKER, HIVEMQ)
                .flatMap(
                        broker ->
                                Stream.of(
                                        Arguments.of(broker, MqttProtocolVersion.MQTT_5, 1),
                                        Arguments.of(broker, MqttProtocolVersion.MQTT_5, 2),
                                        Arguments.of(broker, MqttProtocolVersion.MQTT_3_1_1, 1),
                                        Arguments.of(broker, MqttProtocolVersion.MQTT_3_1_1, 2),
                                        Arguments.of(broker, MqttProtocolVersion.MQTT_5, 0)));
    }

    /**
     * Mosquitto with both protocol versions, HiveMQ with MQTT 5 (an MQTT 3.1.1 writer starts a
     * clean session and publishes again whatever the broker).
     */
    static Stream<Arguments> brokerRestarts() {
        return Stream.of(
                Arguments.of(BROKER, MqttProtocolVersion.MQTT_3_1_1),
                Arguments.of(BROKER, MqttProtocolVersion.MQTT_5),
                Arguments.of(HIVEMQ, MqttProtocolVersion.MQTT_5));
    }

    @TempDir static Path secrets;

    private final MetricListener metrics = new MetricListener();

    /** {@code "<topic>|<payload>"} published to the topic as the payload. */
    static final class TopicAndPayload implements MqttSerializationSchema<String> {
        @Override
        public String topic(String element) {
            return element.substring(0, element.indexOf('|'));
        }

        @Override
        public byte[] payload(String element) {
            return element.substring(element.indexOf('|') + 1).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final SinkWriter.Context NO_CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return Long.MIN_VALUE;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    private MqttSinkWriter<String> writer(
            String uri, MqttProtocolVersion version, UnaryOperator<MqttSinkBuilder<String>> more) {
        MqttSinkBuilder<String> builder =
                MqttSink.<String>builder()
                        .setBrokerUris(uri)
                        .setProtocolVersion(version)
                        .setClientIdPrefix("writer-" + UUID.randomUUID().toString().substring(0, 8))
                        .setConnectTimeout(Duration.ofSeconds(3))
                        .set(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF, Duration.ofMillis(100))
                        .set(MqttSourceOptions.RECONNECT_MAX_BACKOFF, Duration.ofMillis(500))
                        .setSerializer(new TopicAndPayload());
        Configuration conf = more.apply(builder).build().getConfiguration();
        return MqttSinkWriter.connect(
                conf,
                new TopicAndPayload(),
                0,
                MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup()));
    }

    private long counter(String name) {
        return metrics.getCounter("mqtt", name).orElseThrow().getCount();
    }

    private static String topicOf(String id, int i) {
        return "it/sink-writer/" + id + "/" + (i % 3);
    }

    @ParameterizedTest(name = "{0} {1} QoS {2}")
    @MethodSource("brokersVersionsAndQos")
    void flushReturnsOnceTheBrokerHasEveryMessage(
            MqttTestBroker broker, MqttProtocolVersion version, int qos) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        int count = 2000;
        try (MosquittoTestSubscriber subscriber =
                        MosquittoTestSubscriber.subscribe(
                                broker.uri(), "it/sink-writer/" + id + "/#");
                MqttSinkWriter<String> writer = writer(broker.uri(), version, b -> b.setQos(qos))) {
            for (int i = 0; i < count; i++) {
                writer.write(topicOf(id, i) + "|m-" + i, NO_CONTEXT);
            }
            writer.flush(false);

            // Checked at once: flush may only return when nothing is unacknowledged.
            assertThat(writer.pending()).isZero();
            assertThat(counter("messagesAcked")).isEqualTo(count);
            assertThat(counter("messagesPublished")).isEqualTo(count);
            assertThat(counter("messagesFailed")).isZero();
            assertThat(metrics.getGauge("mqtt", "messagesPending").orElseThrow().getValue())
                    .isEqualTo(0L);

            List<Received> received = subscriber.await(count, Duration.ofSeconds(20));
            assertThat(received)
                    .containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, count)
                                    .mapToObj(
                                            i -> new Received(topicOf(id, i), "m-" + i, qos, false))
                                    .collect(Collectors.toList()));
        }
    }

    @Test
    void publishesWithTheRetainFlagWhenAsked() throws Exception {
        String topic = "it/sink-writer/retained/" + UUID.randomUUID();
        try (MqttSinkWriter<String> writer =
                writer(BROKER.uri(), MqttProtocolVersion.MQTT_5, b -> b.setRetain(true))) {
            writer.write(topic + "|last", NO_CONTEXT);
            writer.flush(false);
        }
        // Subscribed only after the publish: only a retained message can still arrive.
        try (MosquittoTestSubscriber late =
                MosquittoTestSubscriber.subscribe(BROKER.uri(), topic)) {
            assertThat(late.await(1, Duration.ofSeconds(10)))
                    .containsExactly(new Received(topic, "last", 1, true));
        }
    }

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void failsNamingTheBrokerWhenThePasswordIsWrong(MqttProtocolVersion version) throws Exception {
        Path file = secrets.resolve(UUID.randomUUID().toString());
        Files.writeString(file, "wrong\n");

        assertThatThrownBy(
                        () ->
                                writer(
                                        BROKER.passwordUri(),
                                        version,
                                        b -> b.setUsername(USER).setPasswordFile(file.toString())))
                .hasMessageContaining("Cannot connect to MQTT broker " + BROKER.passwordUri())
                .hasMessageContaining("as client writer-")
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .containsAnyOf(
                                                "NOT_AUTHORIZED", "BAD_USER_NAME_OR_PASSWORD"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong"));
    }

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void publishesWithTheRightPasswordFromAFile(MqttProtocolVersion version) throws Exception {
        Path file = secrets.resolve(UUID.randomUUID().toString());
        Files.writeString(file, PASSWORD + "\n");
        try (MqttSinkWriter<String> writer =
                writer(
                        BROKER.passwordUri(),
                        version,
                        b -> b.setUsername(USER).setPasswordFile(file.toString()))) {
            writer.write("it/sink-writer/login|ok", NO_CONTEXT);
            writer.flush(false);
            assertThat(counter("messagesAcked")).isEqualTo(1);
        }
    }

    @Test
    void failsNamingTheBrokerWhenItIsUnreachable() throws Exception {
        String nobody = "tcp://127.0.0.1:" + FreePorts.next();

        assertThatThrownBy(() -> writer(nobody, MqttProtocolVersion.MQTT_5, b -> b))
                .hasMessageContaining("Cannot connect to MQTT broker " + nobody)
                .hasMessageContaining("Connect");
    }

    @Test
    void failsTheWriteForATopicWithAWildcard() throws Exception {
        try (MqttSinkWriter<String> writer =
                writer(BROKER.uri(), MqttProtocolVersion.MQTT_5, b -> b)) {
            assertThatThrownBy(() -> writer.write("alerts/+/x|payload", NO_CONTEXT))
                    .hasMessageContaining("Cannot publish to MQTT topic 'alerts/+/x'");
            assertThat(counter("messagesFailed")).isEqualTo(1);
            assertThat(writer.pending()).isZero();
        }
    }

    @Test
    void aPublishTheBrokerRefusesFailsTheNextFlush() throws Exception {
        // Mosquitto lets no client publish to $SYS and says so in the MQTT 5 PUBACK.
        try (MqttSinkWriter<String> writer =
                writer(BROKER.uri(), MqttProtocolVersion.MQTT_5, b -> b)) {
            writer.write("$SYS/vigil-test|refused", NO_CONTEXT);

            assertThatThrownBy(() -> writer.flush(false))
                    .hasMessageContaining(
                            "Publishing to MQTT topic '$SYS/vigil-test' on " + BROKER.uri())
                    .hasMessageContaining("NOT_AUTHORIZED");
            assertThat(counter("messagesFailed")).isEqualTo(1);
            assertThatThrownBy(() -> writer.write("it/sink-writer/after|x", NO_CONTEXT))
                    .hasMessageContaining("$SYS/vigil-test");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("brokerRestarts")
    void blocksAtMaxInFlightWhileTheBrokerIsDownAndDeliversAllAfterItComesBack(
            MqttTestBroker broker, MqttProtocolVersion version) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        int maxInFlight = 10;
        int total = 40;
        try (MosquittoTestSubscriber subscriber =
                        MosquittoTestSubscriber.subscribe(
                                broker.uri(), "it/sink-writer/" + id + "/#");
                MqttSinkWriter<String> writer =
                        writer(broker.uri(), version, b -> b.setMaxInFlight(maxInFlight))) {
            writer.write(topicOf(id, 0) + "|m-0", NO_CONTEXT);
            writer.flush(false);

            broker.stop();
            CompletableFuture<Void> writes =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    for (int i = 1; i < total; i++) {
                                        writer.write(topicOf(id, i) + "|m-" + i, NO_CONTEXT);
                                    }
                                } catch (IOException | InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            Thread.sleep(1500);
            assertThat(writes).isNotDone();
            assertThat(writer.pending()).isEqualTo(maxInFlight);

            broker.start();
            writes.get(30, TimeUnit.SECONDS);
            writer.flush(false);

            assertThat(writer.pending()).isZero();
            Set<String> payloads =
                    subscriber.await(total, Duration.ofSeconds(20)).stream()
                            .map(Received::payload)
                            .collect(Collectors.toSet());
            assertThat(payloads)
                    .isEqualTo(
                            IntStream.range(0, total)
                                    .mapToObj(i -> "m-" + i)
                                    .collect(Collectors.toSet()));
        } finally {
            broker.start();
        }
    }
}
