package io.vigil.connectors.mqtt.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.mqtt.connection.MqttConnection;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.source.MqttDeserializationSchema;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After a connection loss to a session the broker kept, it resends the QoS 1 messages the reader
 * emitted but has not acknowledged yet (its checkpoint did not complete); the reader must not emit
 * them again into live state.
 */
class MqttReconnectRedeliveryITCase {

    private static final int BEFORE = 20;
    private static final int AFTER = 5;

    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder().withMaxInflightMessages(100).build();

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void emitsEachMessageOnceWhenTheBrokerResendsTheUnacknowledgedOnes(MqttProtocolVersion version)
            throws Exception {
        emitsEachMessageOnce(version, false);
    }

    /**
     * A checkpoint that completes while the connection is down runs acknowledgements the client
     * drops unsent; the broker still resends those messages.
     */
    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void emitsEachMessageOnceWhenACheckpointCompletesWhileDisconnected(MqttProtocolVersion version)
            throws Exception {
        emitsEachMessageOnce(version, true);
    }

    private void emitsEachMessageOnce(MqttProtocolVersion version, boolean checkpointWhileDown)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it/redelivery/" + id;
        MqttSourceReader<String> reader =
                reconnectingReader(BROKER.uri(), "redelivery-" + id, topic, version);
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
            for (int i = 0; i < BEFORE; i++) {
                publisher.publish(topic, "before-" + i, 1);
            }
        }
        try {
            drainUntil(reader, output, BEFORE);
            assertThat(reader.acksPending()).isEqualTo(BEFORE);

            // Persistence keeps the session and its unacknowledged messages across the restart.
            BROKER.stop();
            long deadline = System.currentTimeMillis() + 15_000;
            if (checkpointWhileDown) {
                while (reader.reconnects() == 0) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(20);
                }
                reader.snapshotState(0);
                reader.notifyCheckpointComplete(0);
                assertThat(reader.acksPending()).isZero();
            }
            BROKER.start();
            while (reader.reconnects() == 0
                    || reader.connectionState() != MqttConnection.State.CONNECTED.ordinal()) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(20);
            }
            try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
                for (int i = 0; i < AFTER; i++) {
                    publisher.publish(topic, "after-" + i, 1);
                }
            }
            drainUntil(reader, output, BEFORE + AFTER);
            // Anything resent late would still arrive in this time.
            drainFor(reader, output, 1_500);

            List<String> expected = new ArrayList<>();
            for (int i = 0; i < BEFORE; i++) {
                expected.add("before-" + i);
            }
            for (int i = 0; i < AFTER; i++) {
                expected.add("after-" + i);
            }
            assertThat(output.getEmittedRecords())
                    .as("every message emitted exactly once across the reconnect")
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(reader.redeliveriesDropped()).isEqualTo(BEFORE);
            assertThat(reader.protocolErrors()).isZero();

            // The acknowledgements of the resent copies are the ones that count now.
            reader.snapshotState(1);
            reader.notifyCheckpointComplete(1);
            assertThat(reader.acksPending()).isZero();
        } finally {
            reader.close();
        }
    }

    /**
     * Issue #10, item 3: Mosquitto restores a session after a restart without its shared
     * subscription, so the readers of a shared subscription received nothing new (all 200 later
     * messages missing before the fix). Each message is emitted once by one of the two readers.
     */
    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void sharedSubscriptionsKeepReceivingAfterTheBrokerRestarts(MqttProtocolVersion version)
            throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it/shared-restart/" + id;
        List<MqttSourceReader<String>> readers = new ArrayList<>();
        List<TestingReaderOutput<String>> outputs = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(reconnectingReader(BROKER.uri(), "shared-" + id, topic, version, r, true));
            outputs.add(new TestingReaderOutput<>());
        }
        List<String> expected = new ArrayList<>();
        try {
            try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
                for (int i = 0; i < 100; i++) {
                    publisher.publish(topic, "before-" + i, 1);
                    expected.add("before-" + i);
                }
            }
            drainAllUntil(readers, outputs, 100);
            BROKER.stop();
            BROKER.start();
            long deadline = System.currentTimeMillis() + 15_000;
            for (MqttSourceReader<String> reader : readers) {
                while (reader.reconnects() == 0
                        || reader.connectionState() != MqttConnection.State.CONNECTED.ordinal()) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
                for (int i = 0; i < 100; i++) {
                    publisher.publish(topic, "after-" + i, 1);
                    expected.add("after-" + i);
                }
            }
            drainAllUntil(readers, outputs, 200);
            for (int r = 0; r < 2; r++) {
                drainFor(readers.get(r), outputs.get(r), 500);
            }
            List<String> emitted = new ArrayList<>(outputs.get(0).getEmittedRecords());
            emitted.addAll(outputs.get(1).getEmittedRecords());
            assertThat(emitted).containsExactlyInAnyOrderElementsOf(expected);
            for (MqttSourceReader<String> reader : readers) {
                assertThat(reader.sharedResubscriptions())
                        .as("the renewal is counted (and logged)")
                        .isEqualTo(1);
            }
        } finally {
            for (MqttSourceReader<String> reader : readers) {
                reader.close();
            }
        }
    }

    private static void drainAllUntil(
            List<MqttSourceReader<String>> readers,
            List<TestingReaderOutput<String>> outputs,
            int count)
            throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (outputs.stream().mapToInt(o -> o.getEmittedRecords().size()).sum() < count) {
            assertThat(System.currentTimeMillis())
                    .as(
                            "records emitted so far: %s and %s",
                            outputs.get(0).getEmittedRecords().size(),
                            outputs.get(1).getEmittedRecords().size())
                    .isLessThan(deadline);
            for (int r = 0; r < readers.size(); r++) {
                readers.get(r).pollNext(outputs.get(r));
            }
            Thread.sleep(5);
        }
    }

    static MqttSourceReader<String> reconnectingReader(
            String uri, String clientIdPrefix, String topic, MqttProtocolVersion version) {
        return reconnectingReader(uri, clientIdPrefix, topic, version, 0, false);
    }

    /**
     * A reader of one session on {@code topic} that reconnects within half a second, for tests that
     * restart the broker.
     */
    static MqttSourceReader<String> reconnectingReader(
            String uri,
            String clientIdPrefix,
            String topic,
            MqttProtocolVersion version,
            int split,
            boolean shared) {
        Configuration conf = new Configuration();
        conf.set(MqttSourceOptions.BROKER_URIS, List.of(uri));
        conf.set(MqttSourceOptions.TOPIC_FILTERS, List.of(topic));
        conf.set(MqttSourceOptions.CLIENT_ID_PREFIX, clientIdPrefix);
        conf.set(MqttSourceOptions.PROTOCOL_VERSION, version);
        conf.set(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF, Duration.ofMillis(100));
        conf.set(MqttSourceOptions.RECONNECT_MAX_BACKOFF, Duration.ofMillis(500));
        conf.set(MqttSourceOptions.SHARED_SUBSCRIPTION_ALWAYS, shared);
        MqttSourceReader<String> reader =
                new MqttSourceReader<>(
                        conf,
                        MqttDeserializationSchema.payloadAsUtf8(),
                        new TestingReaderContext());
        reader.addSplits(List.of(new MqttSubscriptionSplit(split)));
        return reader;
    }

    private static void drainUntil(
            MqttSourceReader<String> reader, TestingReaderOutput<String> output, int count)
            throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (output.getEmittedRecords().size() < count) {
            assertThat(System.currentTimeMillis())
                    .as("emitted so far: %s", output.getEmittedRecords())
                    .isLessThan(deadline);
            pollOnce(reader, output);
        }
    }

    static void drainFor(
            MqttSourceReader<String> reader, TestingReaderOutput<String> output, long millis)
            throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            pollOnce(reader, output);
        }
    }

    private static void pollOnce(
            MqttSourceReader<String> reader, TestingReaderOutput<String> output) throws Exception {
        reader.pollNext(output);
        try {
            reader.isAvailable().get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // nothing yet
        }
    }
}
