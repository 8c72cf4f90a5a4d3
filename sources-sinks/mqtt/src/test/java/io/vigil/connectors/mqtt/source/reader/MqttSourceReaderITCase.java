package io.vigil.connectors.mqtt.source.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.mqtt.connection.MqttConnection;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.source.MqttDeserializationSchema;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import io.vigil.testing.Await;
import io.vigil.testing.FreePorts;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.testing.MqttFaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.util.FlinkRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The reader on Flink's {@link TestingReaderContext} against a real Mosquitto broker. */
class MqttSourceReaderITCase {

    @RegisterExtension static final MosquittoExtension BROKER = new MosquittoExtension();

    private MosquittoTestPublisher publisher;

    @BeforeEach
    void connectPublisher() {
        publisher = MosquittoTestPublisher.connect(BROKER.uri());
    }

    @AfterEach
    void closePublisher() {
        publisher.close();
    }

    private static Configuration conf(String prefix, String topic, int qos) {
        Configuration conf = new Configuration();
        conf.set(MqttSourceOptions.BROKER_URIS, List.of(BROKER.uri()));
        conf.set(MqttSourceOptions.TOPIC_FILTERS, List.of(topic));
        conf.set(MqttSourceOptions.CLIENT_ID_PREFIX, prefix);
        conf.set(MqttSourceOptions.QOS, qos);
        conf.set(MqttSourceOptions.CONNECT_TIMEOUT, Duration.ofSeconds(5));
        return conf;
    }

    static MqttSourceReader<String> open(Configuration conf) {
        return open(conf, 1);
    }

    /** A reader owning the session splits 0 to {@code sessions - 1}, as after a scale-down. */
    private static MqttSourceReader<String> open(Configuration conf, int sessions) {
        List<MqttSubscriptionSplit> splits = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            splits.add(new MqttSubscriptionSplit(i));
        }
        return open(conf, splits);
    }

    /** A reader restored with these splits, as a checkpoint holds them. */
    private static MqttSourceReader<String> open(
            Configuration conf, List<MqttSubscriptionSplit> splits) {
        MqttSourceReader<String> reader =
                new MqttSourceReader<>(
                        conf,
                        MqttDeserializationSchema.payloadAsUtf8(),
                        new TestingReaderContext());
        reader.start();
        reader.addSplits(splits);
        return reader;
    }

    /** Everything the reader emits within {@code time}. */
    private static List<String> readFor(MqttSourceReader<String> reader, Duration time)
            throws Exception {
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        long deadline = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < deadline) {
            reader.pollNext(output);
            Thread.sleep(10);
        }
        return new ArrayList<>(output.getEmittedRecords());
    }

    /**
     * Reads {@code count} records {@code chunk} at a time, checking the reader after each chunk and
     * then completing a checkpoint, as a job would, so that the broker's in-flight window moves.
     */
    private static List<String> readAcknowledging(
            MqttSourceReader<String> reader, int count, int chunk, Runnable check)
            throws Exception {
        List<String> seen = new ArrayList<>();
        long checkpoint = 0;
        while (seen.size() < count) {
            seen.addAll(read(reader, Math.min(chunk, count - seen.size())));
            check.run();
            reader.snapshotState(++checkpoint);
            reader.notifyCheckpointComplete(checkpoint);
        }
        return seen;
    }

    /** Polls until {@code count} records were emitted in total, or fails after 20 s. */
    private static List<String> read(MqttSourceReader<String> reader, int count) throws Exception {
        TestingReaderOutput<String> output = new TestingReaderOutput<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (output.getEmittedRecords().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Read only " + output.getEmittedRecords() + ", expected " + count);
            }
            reader.pollNext(output);
            try {
                reader.isAvailable().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // poll again until the deadline
            }
        }
        return new ArrayList<>(output.getEmittedRecords());
    }

    private static String id() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void redeliversUnackedMessagesAfterRestore(MqttProtocolVersion version) throws Exception {
        String id = id();
        String topic = "it/redeliver/" + id;
        Configuration conf = conf("redeliver-" + id, topic, 1);
        conf.set(MqttSourceOptions.PROTOCOL_VERSION, version);

        MqttSourceReader<String> first = open(conf);
        publisher.publishMany(topic, "m", 0, 10, 1);
        assertThat(read(first, 10)).hasSize(10);
        first.snapshotState(1);
        assertThat(first.acksPending()).isEqualTo(10);
        // The checkpoint never completes: the job fails here.
        first.close();

        MqttSourceReader<String> restored = open(conf);
        List<String> again = read(restored, 10);
        assertThat(again).containsExactlyInAnyOrder(expected("m", 0, 10));
        restored.snapshotState(2);
        restored.notifyCheckpointComplete(2);
        assertThat(restored.acksPending()).isZero();
        restored.close();

        MqttSourceReader<String> afterAck = open(conf);
        publisher.publish(topic, "marker", 1);
        assertThat(read(afterAck, 1)).containsExactly("marker");
        afterAck.close();
    }

    /**
     * The task dies after checkpoint 1 completed and before it heard so: the messages the
     * checkpoint holds were never acknowledged and the broker sends them again, to a reader
     * restored from checkpoint 1, which already counted them. Found by the fault campaign (a
     * TaskManager killed right after a checkpoint's metadata was written: readings counted twice).
     */
    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void doesNotEmitAgainWhatTheRestoredCheckpointHoldsWhenItsNotificationNeverCame(
            MqttProtocolVersion version) throws Exception {
        String id = id();
        String topic = "it/unnotified/" + id;
        Configuration conf = conf("unnotified-" + id, topic, 1);
        conf.set(MqttSourceOptions.PROTOCOL_VERSION, version);

        MqttSourceReader<String> first = open(conf);
        publisher.publishMany(topic, "a", 0, 10, 1);
        read(first, 10);
        List<MqttSubscriptionSplit> checkpoint = first.snapshotState(1);
        publisher.publishMany(topic, "b", 0, 5, 1);
        read(first, 5);
        // Checkpoint 1 completes, but the task dies before notifyCheckpointComplete(1).
        first.close();

        MqttSourceReader<String> restored = open(conf, checkpoint);
        assertThat(read(restored, 5))
                .as("only what came after checkpoint 1")
                .containsExactlyInAnyOrder(expected("b", 0, 5));
        assertThat(readFor(restored, Duration.ofSeconds(1))).isEmpty();
        assertThat(restored.redeliveriesDropped()).isEqualTo(10);
        restored.snapshotState(2);
        restored.notifyCheckpointComplete(2);
        assertThat(restored.acksPending()).isZero();
        restored.close();

        MqttSourceReader<String> afterAck = open(conf);
        publisher.publish(topic, "marker", 1);
        assertThat(read(afterAck, 1)).as("every copy was acknowledged").containsExactly("marker");
        afterAck.close();
    }

    @Test
    void acknowledgesOnlyWhatWasEmittedBeforeTheCompletedCheckpoint() throws Exception {
        String id = id();
        String topic = "it/partial/" + id;
        Configuration conf = conf("partial-" + id, topic, 1);

        MqttSourceReader<String> reader = open(conf);
        publisher.publishMany(topic, "a", 0, 5, 1);
        read(reader, 5);
        reader.snapshotState(1);
        publisher.publishMany(topic, "b", 0, 5, 1);
        read(reader, 5);
        reader.notifyCheckpointComplete(1);
        assertThat(reader.acksPending()).isEqualTo(5);
        reader.close();

        MqttSourceReader<String> restored = open(conf);
        assertThat(read(restored, 5)).containsExactlyInAnyOrder(expected("b", 0, 5));
        restored.close();
    }

    /**
     * The warning comes while there is room: a session that holds half its limit (receive maximum
     * 10) when a checkpoint completes counts a warning, one that holds less does not.
     */
    @Test
    void warnsWhenASessionHoldsHalfItsLimitAsACheckpointCompletes() throws Exception {
        String id = id();
        String topic = "it/warn/" + id;
        Configuration conf = conf("warn-" + id, topic, 1);
        conf.set(MqttSourceOptions.RECEIVE_MAXIMUM, 10);
        MqttSourceReader<String> reader = open(conf);

        publisher.publishMany(topic, "a", 0, 4, 1);
        read(reader, 4);
        reader.snapshotState(1);
        reader.notifyCheckpointComplete(1);
        assertThat(reader.inflightLimitWarnings()).as("4 of 10").isZero();

        publisher.publishMany(topic, "b", 0, 5, 1);
        read(reader, 5);
        reader.snapshotState(2);
        reader.notifyCheckpointComplete(2);
        assertThat(reader.inflightLimitWarnings()).as("5 of 10").isEqualTo(1);
        reader.close();
    }

    @Test
    void qosZeroLeavesNothingToAcknowledge() throws Exception {
        String id = id();
        String topic = "it/qos0/" + id;
        MqttSourceReader<String> reader = open(conf("qos0-" + id, topic, 0));

        publisher.publishMany(topic, "z", 0, 5, 0);

        assertThat(read(reader, 5)).containsExactlyInAnyOrder(expected("z", 0, 5));
        assertThat(reader.acksPending()).isZero();
        reader.close();
    }

    @Test
    void handOverQueueNeverHoldsMoreThanItsCapacity() throws Exception {
        String id = id();
        String topic = "it/bounded/" + id;
        Configuration conf = conf("bounded-" + id, topic, 1);
        conf.set(MqttSourceOptions.QUEUE_CAPACITY, 20);
        MqttSourceReader<String> reader = open(conf);

        publisher.publishMany(topic, "q", 0, 500, 1);
        Thread.sleep(1000);

        assertThat(reader.queueCapacity()).isEqualTo(20);
        assertThat(reader.queuedMessages()).isEqualTo(20);

        List<String> seen =
                readAcknowledging(
                        reader,
                        500,
                        20,
                        () -> assertThat(reader.queuedMessages()).isLessThanOrEqualTo(20));
        assertThat(seen).containsExactlyInAnyOrder(expected("q", 0, 500));
        reader.close();
    }

    /**
     * A reader that owns several sessions (after a scale-down) splits the queue capacity among them
     * as credit, so the clients never hand over more than fits and no HiveMQ thread (which the MQTT
     * sink may share) waits in the hand-over queue.
     */
    @Test
    void aReaderWithSeveralSessionsNeverBlocksTheClientThreads() throws Exception {
        String id = id();
        String topic = "it/sessions/" + id;
        Configuration conf = conf("sessions-" + id, topic, 1);
        conf.set(MqttSourceOptions.QUEUE_CAPACITY, 20);
        MqttSourceReader<String> reader = open(conf, 3);

        publisher.publishMany(topic, "s", 0, 100, 1);
        Thread.sleep(1000);

        assertThat(reader.handOverWaits()).isZero();
        assertThat(reader.queuedMessages()).isEqualTo(20);

        // At parallelism 1 every session holds a plain subscription: each message comes thrice.
        List<String> seen =
                readAcknowledging(
                        reader, 300, 20, () -> assertThat(reader.handOverWaits()).isZero());
        List<String> expected = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            expected.addAll(List.of(expected("s", 0, 100)));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
        reader.close();
    }

    /**
     * {@code mqtt.sessions-per-reader} 2 at parallelism 1: the two sessions share one shared
     * subscription (each its own in-flight window), so each message comes once, not once per
     * session as with the plain subscriptions above.
     */
    @Test
    void sessionsOfOneReaderShareTheSubscription() throws Exception {
        String id = id();
        String topic = "it/sessions-per-reader/" + id;
        Configuration conf = conf("per-reader-" + id, topic, 1);
        conf.set(MqttSourceOptions.SESSIONS_PER_READER, 2);
        MqttSourceReader<String> reader = open(conf, 2);

        assertThat(reader.subscriptionFilters())
                .containsExactly("$share/per-reader-" + id + "/" + topic);
        publisher.publishMany(topic, "p", 0, 200, 1);
        List<String> seen = readAcknowledging(reader, 200, 50, () -> {});
        readFor(reader, Duration.ofSeconds(1)).forEach(seen::add);

        assertThat(seen).containsExactlyInAnyOrder(expected("p", 0, 200));
        reader.close();
    }

    @Test
    void reconnectsAfterTheBrokerRestartsAndKeepsReading() throws Exception {
        String id = id();
        String topic = "it/reconnect/" + id;
        Configuration conf = conf("reconnect-" + id, topic, 1);
        conf.set(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF, Duration.ofMillis(100));
        conf.set(MqttSourceOptions.RECONNECT_MAX_BACKOFF, Duration.ofMillis(500));
        MqttSourceReader<String> reader = open(conf);
        publisher.publishMany(topic, "before", 0, 5, 1);
        read(reader, 5);
        assertThat(reader.connectionState()).isEqualTo(MqttConnection.State.CONNECTED.ordinal());
        publisher.close();

        BROKER.stop();
        long deadline = System.currentTimeMillis() + 10_000;
        while (reader.connectionState() == MqttConnection.State.CONNECTED.ordinal()) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(reader.connectionState()).isEqualTo(MqttConnection.State.RECONNECTING.ordinal());
        BROKER.start();
        while (reader.connectionState() != MqttConnection.State.CONNECTED.ordinal()) {
            assertThat(System.currentTimeMillis()).isLessThan(deadline);
            Thread.sleep(20);
        }
        publisher = MosquittoTestPublisher.connect(BROKER.uri());
        publisher.publishMany(topic, "after", 0, 5, 1);

        // The first five were never acknowledged (no checkpoint), so the resumed session (kept
        // across the restart by the broker's persistence) sends them again, first; they were
        // emitted already, so the reader drops them and emits only the new five.
        List<String> afterRestart = read(reader, 5);
        assertThat(afterRestart).containsExactlyInAnyOrder(expected("after", 0, 5));
        assertThat(reader.redeliveriesDropped()).isEqualTo(5);
        assertThat(reader.reconnects()).isEqualTo(1);
        reader.close();
    }

    /**
     * A message over the client's maximum packet size (256 KiB by default) never reaches the reader
     * and, as the MQTT 5 broker drops it instead of sending it, is not redelivered after a restore
     * either: one big message cannot exhaust a TaskManager again and again.
     */
    @Test
    void theBrokerDropsAMessageOverTheMaximumPacketSizeForGood() throws Exception {
        String id = id();
        String topic = "it/oversize/" + id;
        Configuration conf = conf("oversize-" + id, topic, 1);
        MqttSourceReader<String> reader = open(conf);

        publisher.publish(topic, "big" + "x".repeat(300 * 1024), 1);
        publisher.publishMany(topic, "small", 0, 3, 1);

        assertThat(shortened(read(reader, 3))).containsExactly(expected("small", 0, 3));
        reader.snapshotState(1);
        // The checkpoint never completes: the restored reader gets what was not acknowledged.
        reader.close();

        MqttSourceReader<String> restored = open(conf);
        publisher.publish(topic, "marker", 1);
        assertThat(shortened(read(restored, 4)))
                .containsExactlyInAnyOrder("small0", "small1", "small2", "marker");
        restored.close();
    }

    @Test
    void failsNamingTheBrokerWhenItIsUnreachable() throws Exception {
        int closedPort = FreePorts.next();
        Configuration conf = conf("unreachable-" + id(), "it/none", 1);
        String uri = "tcp://127.0.0.1:" + closedPort;
        conf.set(MqttSourceOptions.BROKER_URIS, List.of(uri));

        assertThatThrownBy(() -> open(conf))
                .isInstanceOf(FlinkRuntimeException.class)
                .hasMessageContaining("Cannot connect to MQTT broker " + uri)
                .hasMessageContaining("unreachable-")
                .hasMessageContaining("Connection refused");
    }

    /**
     * A SUBACK that never comes (the broker's bytes stop after the CONNACK) fails the reader,
     * naming client, broker and filters, so that the task fails and Flink restarts it. It used to
     * wait in {@code addSplits} for ever (issue 15: a restored source subtask stayed INITIALIZING).
     */
    @Test
    void failsWhenNoSubAckComes() throws Exception {
        String id = id();
        String topic = "it/nosuback/" + id;
        Configuration conf = conf("nosuback-" + id, topic, 1);
        conf.set(MqttSourceOptions.CONNECT_TIMEOUT, Duration.ofSeconds(1));
        try (MqttFaultProxy proxy = MqttFaultProxy.to(BROKER.uri())) {
            proxy.stallAfterConnAck();
            conf.set(MqttSourceOptions.BROKER_URIS, List.of(proxy.uri()));

            CompletableFuture<MqttSourceReader<String>> opening =
                    CompletableFuture.supplyAsync(() -> open(conf));

            assertThatThrownBy(() -> opening.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(FlinkRuntimeException.class)
                    .hasMessageContaining("Cannot connect to MQTT broker " + proxy.uri())
                    .hasMessageContaining("got no SUBACK")
                    .hasMessageContaining("nosuback-" + id)
                    .hasMessageContaining(topic);
            Await.until(
                    () -> proxy.openConnections() == 0,
                    Duration.ofSeconds(30),
                    () -> "the failed client disconnected");
        }
    }

    /** Long payloads by their start and length, so that a failure message stays readable. */
    private static List<String> shortened(List<String> payloads) {
        List<String> shown = new ArrayList<>();
        for (String payload : payloads) {
            shown.add(
                    payload.length() <= 20
                            ? payload
                            : payload.substring(0, 6) + "... (" + payload.length() + " chars)");
        }
        return shown;
    }

    @Test
    void neverShowsTheUserInfoOfABrokerUri() throws Exception {
        int closedPort = FreePorts.next();
        Configuration conf = conf("userinfo-" + id(), "it/none", 1);
        conf.set(
                MqttSourceOptions.BROKER_URIS,
                List.of("tcp://vigil:s3cret-pw@127.0.0.1:" + closedPort));

        assertThatThrownBy(() -> open(conf))
                .hasMessageContaining(
                        "Cannot connect to MQTT broker tcp://***@127.0.0.1:" + closedPort)
                .satisfies(
                        e ->
                                assertThat(MqttConnections.describe(e))
                                        .doesNotContain("s3cret-pw")
                                        .doesNotContain("vigil:"));
    }

    static String[] expected(String prefix, int from, int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = prefix + (from + i);
        }
        return values;
    }
}
