package io.vigil.connectors.mqtt.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.testing.Await;
import io.vigil.testing.HiveMqExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import io.vigil.testing.MqttTestBroker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where the brokers differ for a reader that acknowledges only when a checkpoint completes, each
 * broker asserted with its own behaviour (the rows of docs/mqtt-source.md, "Brokers"): how many
 * unacknowledged messages the broker sends such a reader, whether it keeps a receive maximum below
 * that, and whether a persistent session keeps its shared subscription across a broker restart.
 * Both brokers run at their defaults here (Mosquitto: {@code max_inflight_messages} untouched).
 */
class MqttBrokerBehaviourITCase {

    @RegisterExtension
    static final MosquittoExtension MOSQUITTO =
            MosquittoExtension.builder().withDefaultMaxInflightMessages().build();

    @RegisterExtension static final HiveMqExtension HIVEMQ = HiveMqExtension.builder().build();

    private static final int MESSAGES = 300;

    /**
     * Mosquitto 2.0.11: {@code max_inflight_messages} (default 20) bounds what an MQTT 3.1.1 reader
     * gets first, an MQTT 5 reader's receive maximum what an MQTT 5 reader gets first. Once
     * acknowledgements come, it sends what it queued meanwhile past either limit: an MQTT 3.1.1
     * reader gets everything, an MQTT 5 client must refuse the excess (a protocol error and a
     * reconnect), the overshoot of issue #11 in small.
     */
    @Nested
    class Mosquitto extends Cases {
        Mosquitto() {
            super(MOSQUITTO, 20, MESSAGES, false, 2, true);
        }

        /**
         * MQTT 5, a receive maximum of 10 that the reader never fills: rounds of 8 messages, each
         * read and acknowledged before the next is published. Nothing waits in the broker's queue,
         * so however the broker releases queued messages, it never sends more than the window: no
         * protocol error, each message once (issue #11: why a reader must stay below its window).
         */
        @Test
        void neverOverrunsAReaderThatStaysBelowItsReceiveMaximum() throws Exception {
            String id = UUID.randomUUID().toString().substring(0, 8);
            String topic = "it/below-window/" + id;
            MqttSourceReader<String> reader = withReceiveMaximumOf10("below-window-" + id, topic);
            try {
                probeUntilSubscribed(reader, topic);
                TestingReaderOutput<String> output = new TestingReaderOutput<>();
                int rounds = 20;
                for (int round = 0; round < rounds; round++) {
                    MOSQUITTO.publisher().publishMany(topic, "m", round * 8, 8, 1);
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (measured(output) < (round + 1) * 8) {
                        assertThat(System.currentTimeMillis())
                                .as("round %d read", round)
                                .isLessThan(deadline);
                        MqttReconnectRedeliveryITCase.drainFor(reader, output, 50);
                    }
                    reader.snapshotState(round + 2);
                    reader.notifyCheckpointComplete(round + 2);
                }
                MqttReconnectRedeliveryITCase.drainFor(reader, output, 500);
                assertThat(reader.protocolErrors()).as("protocol errors").isZero();
                assertThat(output.getEmittedRecords().stream().filter(r -> !r.startsWith("probe-")))
                        .containsExactlyInAnyOrder(
                                MqttSourceReaderITCase.expected("m", 0, rounds * 8));
            } finally {
                reader.close();
            }
        }

        @Override
        boolean sentWhatItShouldAfterAnAcknowledgement(
                MqttSourceReader<String> reader,
                MqttProtocolVersion version,
                int window,
                long acknowledged,
                int after) {
            if (acknowledged + window >= MESSAGES) {
                return after == MESSAGES;
            } else if (version == MqttProtocolVersion.MQTT_3_1_1) {
                // past max_inflight_messages
                return after > acknowledged + window;
            } else {
                // past the receive maximum: the client refused the excess
                return reader.protocolErrors() > 0;
            }
        }
    }

    /**
     * HiveMQ CE 2025.5: a fixed window of 50 (or the receive maximum if lower), kept; what arrives
     * while the window is not empty waits in the session queue until an acknowledgement comes.
     */
    @Nested
    class HiveMq extends Cases {
        HiveMq() {
            super(HIVEMQ, 50, 50, true, 1, false);
        }

        @Override
        boolean sentWhatItShouldAfterAnAcknowledgement(
                MqttSourceReader<String> reader,
                MqttProtocolVersion version,
                int window,
                long acknowledged,
                int after) {
            // More once the acknowledgements arrive, never past the window. Not always the whole
            // window: once, with a receive maximum of 10, 1 more came within 30 s.
            return after > acknowledged
                    && after <= Math.min(acknowledged + window, MESSAGES)
                    && reader.protocolErrors() == 0;
        }
    }

    abstract static class Cases {
        private final MqttTestBroker broker;
        private final int mqtt311Window;
        private final int mqtt5Window;
        private final boolean keepsSharedSubscriptions;
        private final int readersThatGetMessages;
        private final boolean servesAnIdleReader;

        /**
         * @param mqtt311Window unacknowledged messages the broker sends an MQTT 3.1.1 reader
         * @param mqtt5Window the same for an MQTT 5 reader with the default receive maximum
         * @param keepsSharedSubscriptions whether a restored session still has them
         * @param readersThatGetMessages how many of two sharing readers get messages
         * @param servesAnIdleReader whether a sharing reader gets messages while another holds one
         *     unacknowledged
         */
        Cases(
                MqttTestBroker broker,
                int mqtt311Window,
                int mqtt5Window,
                boolean keepsSharedSubscriptions,
                int readersThatGetMessages,
                boolean servesAnIdleReader) {
            this.broker = broker;
            this.mqtt311Window = mqtt311Window;
            this.mqtt5Window = mqtt5Window;
            this.keepsSharedSubscriptions = keepsSharedSubscriptions;
            this.readersThatGetMessages = readersThatGetMessages;
            this.servesAnIdleReader = servesAnIdleReader;
        }

        /**
         * The broker's in-flight window for a reader with the default receive maximum (65 535):
         * what it sends before and after the first acknowledgement.
         */
        @ParameterizedTest
        @EnumSource(MqttProtocolVersion.class)
        void sendsItsInflightWindowPerAcknowledgement(MqttProtocolVersion version)
                throws Exception {
            String id = UUID.randomUUID().toString().substring(0, 8);
            String topic = "it/window/" + id;
            MqttSourceReader<String> reader =
                    MqttSourceReaderITCase.open(conf("window-" + id, topic, version));
            try {
                assertSendsAWindowPerCheckpoint(
                        reader,
                        topic,
                        version,
                        version == MqttProtocolVersion.MQTT_5 ? mqtt5Window : mqtt311Window);
            } finally {
                reader.close();
            }
        }

        /** MQTT 5: a receive maximum of 10, below the broker's window. */
        @Test
        void sendsAtMostAReceiveMaximumBelowItsWindow() throws Exception {
            String id = UUID.randomUUID().toString().substring(0, 8);
            String topic = "it/receive-maximum/" + id;
            MqttSourceReader<String> reader =
                    withReceiveMaximumOf10("receive-maximum-" + id, topic);
            try {
                assertSendsAWindowPerCheckpoint(reader, topic, MqttProtocolVersion.MQTT_5, 10);
            } finally {
                reader.close();
            }
        }

        /**
         * {@link #MESSAGES} published at once: at most {@code window} arrive before the reader
         * acknowledges (HiveMQ may send fewer: what it queued meanwhile waits for an
         * acknowledgement); what comes after the next completed checkpoint is the broker's own.
         * Each phase waits for the broker's documented behaviour rather than for a lull, which a
         * loaded machine can fake.
         */
        private void assertSendsAWindowPerCheckpoint(
                MqttSourceReader<String> reader,
                String topic,
                MqttProtocolVersion version,
                int window)
                throws Exception {
            probeUntilSubscribed(reader, topic);
            broker.publisher().publishMany(topic, "m", 0, MESSAGES, 1);
            TestingReaderOutput<String> output = new TestingReaderOutput<>();
            drainUntilSteady(reader, output);
            int first = measured(output);
            assertThat(first).as("before an acknowledgement").isBetween(1, window);
            long acknowledged = reader.acksPending();
            assertThat(acknowledged)
                    .as("owed before an acknowledgement")
                    .isBetween(1L, (long) window);

            reader.snapshotState(2);
            reader.notifyCheckpointComplete(2);
            long deadline = System.currentTimeMillis() + 30_000;
            while (!sentWhatItShouldAfterAnAcknowledgement(
                            reader, version, window, acknowledged, measured(output))
                    && System.currentTimeMillis() < deadline) {
                MqttReconnectRedeliveryITCase.drainFor(reader, output, 200);
            }
            // Nothing beyond it either.
            drainUntilSteady(reader, output);
            int after = measured(output);
            assertThat(
                            sentWhatItShouldAfterAnAcknowledgement(
                                    reader, version, window, acknowledged, after))
                    .as(
                            "after %d of %s acknowledged (window %d): %d emitted, %d protocol"
                                    + " errors",
                            acknowledged, version, window, after, reader.protocolErrors())
                    .isTrue();
        }

        /**
         * Whether what the broker sent once {@code acknowledged} messages were acknowledged is what
         * it documents: {@code after} emitted in all, by a reader of {@code version} with this
         * {@code window}.
         */
        abstract boolean sentWhatItShouldAfterAnAcknowledgement(
                MqttSourceReader<String> reader,
                MqttProtocolVersion version,
                int window,
                long acknowledged,
                int after);

        /**
         * Two readers of one shared subscription that acknowledge when a checkpoint completes
         * (every 200 ms here): how many of the readers get messages.
         */
        @Test
        void dealsASharedSubscriptionToReadersThatAcknowledgeAtCheckpoints() throws Exception {
            String id = UUID.randomUUID().toString().substring(0, 8);
            String topic = "it/shared-deal/" + id;
            List<MqttSourceReader<String>> readers = new ArrayList<>();
            List<TestingReaderOutput<String>> outputs = new ArrayList<>();
            try {
                addSharingReaders(
                        readers, outputs, "shared-deal-" + id, topic, MqttProtocolVersion.MQTT_5);
                broker.publisher().publishMany(topic, "m", 0, MESSAGES, 1);
                long deadline = System.currentTimeMillis() + 30_000;
                for (long checkpoint = 1;
                        outputs.get(0).getEmittedRecords().size()
                                        + outputs.get(1).getEmittedRecords().size()
                                < MESSAGES;
                        checkpoint++) {
                    assertThat(System.currentTimeMillis()).as("all read").isLessThan(deadline);
                    for (int r = 0; r < 2; r++) {
                        MqttReconnectRedeliveryITCase.drainFor(readers.get(r), outputs.get(r), 100);
                        readers.get(r).snapshotState(checkpoint);
                        readers.get(r).notifyCheckpointComplete(checkpoint);
                    }
                }
                long readersWithMessages =
                        outputs.stream().filter(o -> !o.getEmittedRecords().isEmpty()).count();
                assertThat(readersWithMessages).isEqualTo(readersThatGetMessages);
            } finally {
                for (MqttSourceReader<String> reader : readers) {
                    reader.close();
                }
            }
        }

        /**
         * Two MQTT 3.1.1 readers of one shared subscription: one holds a message unacknowledged
         * (its checkpoint has not completed yet) while 20 more are published; the other holds
         * nothing. Mosquitto deals the 20 round robin, so the idle reader gets some at once. HiveMQ
         * CE offers a member the shared queue only when the member's own unacknowledged messages
         * drop to zero, or to every member when the queue goes from empty to not empty ({@code
         * PublishPollServiceImpl} and {@code PublishStatusFutureCallback} in its code); the queue
         * still holds the unacknowledged message, so the 20 wait for the holder and all go to it
         * once it acknowledges (or, seen once, none of them within 30 s: HiveMQ's offer after an
         * acknowledgement is not always made, so the test accepts all or none there, never some,
         * and never any for the idle reader). A reader of a group whose acknowledgements stop
         * therefore stops the group on HiveMQ, not on Mosquitto.
         */
        @Test
        void servesAnIdleReaderWhileAnotherHoldsAMessage() throws Exception {
            String id = UUID.randomUUID().toString().substring(0, 8);
            String topic = "it/shared-holder/" + id;
            List<MqttSourceReader<String>> readers = new ArrayList<>();
            List<TestingReaderOutput<String>> outputs = new ArrayList<>();
            try {
                addSharingReaders(
                        readers,
                        outputs,
                        "shared-holder-" + id,
                        topic,
                        MqttProtocolVersion.MQTT_3_1_1);
                broker.publisher().publish(topic, "first", 1);
                drainUntil(readers, outputs, () -> holderOf(outputs, "first") >= 0, "first read");
                int holder = holderOf(outputs, "first");
                TestingReaderOutput<String> idle = outputs.get(1 - holder);

                broker.publisher().publishMany(topic, "m", 0, 20, 1);
                if (servesAnIdleReader) {
                    drainUntil(
                            readers, outputs, () -> count(idle, "m") > 0, "the idle reader served");
                } else {
                    drainFor(readers, outputs, 2_000);
                    assertThat(outputs.stream().mapToLong(o -> count(o, "m")).sum())
                            .as("read by either reader while the holder holds its message")
                            .isZero();
                    readers.get(holder).snapshotState(1);
                    readers.get(holder).notifyCheckpointComplete(1);
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (count(outputs.get(holder), "m") < 20
                            && System.currentTimeMillis() < deadline) {
                        drainFor(readers, outputs, 100);
                    }
                    assertThat(count(idle, "m")).as("read by the idle reader").isZero();
                    long after = count(outputs.get(holder), "m");
                    // HiveMQ offers the queue in one go, up to the window of 50. Once (a suite run
                    // on 2026-12-03) it offered nothing within 30 s of the acknowledgement, as if
                    // the offer ran before the acknowledged message left the queue; the idle
                    // reader got nothing then either.
                    assertThat(after)
                            .as("read by the holder after its acknowledgement: all or none")
                            .isIn(0L, 20L);
                    if (after == 0) {
                        System.out.println(
                                "HiveMQ CE offered the holder nothing within 30 s of its"
                                        + " acknowledgement");
                    }
                }
            } finally {
                for (MqttSourceReader<String> reader : readers) {
                    reader.close();
                }
            }
        }

        /**
         * A persistent MQTT 5 session with a shared subscription, the broker restarted: does the
         * restored session still receive the shared topic without subscribing again?
         */
        @Test
        void keepsOrLosesTheSharedSubscriptionOfASessionAcrossARestart() throws Exception {
            String id = UUID.randomUUID().toString().substring(0, 8);
            String topic = "it/shared-kept/" + id;
            URI uri = URI.create(broker.uri());
            Mqtt5AsyncClient client =
                    MqttClient.builder()
                            .useMqttVersion5()
                            .identifier("shared-kept-" + id)
                            .serverHost(uri.getHost())
                            .serverPort(uri.getPort())
                            .buildAsync();
            BlockingQueue<Mqtt5Publish> received = new LinkedBlockingQueue<>();
            client.publishes(MqttGlobalPublishFilter.ALL, received::add);
            client.connectWith()
                    .cleanStart(false)
                    .sessionExpiryInterval(3600)
                    .send()
                    .get(10, TimeUnit.SECONDS);
            client.subscribeWith()
                    .topicFilter("$share/g-" + id + "/" + topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send()
                    .get(10, TimeUnit.SECONDS);
            client.disconnect().get(10, TimeUnit.SECONDS);

            broker.stop();
            broker.start();
            try {
                boolean sessionPresent =
                        client.connectWith()
                                .cleanStart(false)
                                .sessionExpiryInterval(3600)
                                .send()
                                .get(10, TimeUnit.SECONDS)
                                .isSessionPresent();
                assertThat(sessionPresent).as("session present").isTrue();
                try (MosquittoTestPublisher publisher =
                        MosquittoTestPublisher.connect(broker.uri())) {
                    publisher.publish(topic, "after the restart", 1);
                }
                // Waits long for a delivery that should come; an absence can only be waited for a
                // while.
                Mqtt5Publish message =
                        received.poll(keepsSharedSubscriptions ? 30 : 3, TimeUnit.SECONDS);
                assertThat(message != null)
                        .as("the shared subscription still delivers")
                        .isEqualTo(keepsSharedSubscriptions);
            } finally {
                client.disconnectWith().sessionExpiryInterval(0).send().get(10, TimeUnit.SECONDS);
            }
        }

        /**
         * Publishes QoS 0 probes until the reader emits one (its subscription is in). QoS 0, so
         * that no acknowledgement reaches the broker while the measured messages arrive (Mosquitto
         * sends past its limits what it queued when an acknowledgement comes).
         */
        void probeUntilSubscribed(MqttSourceReader<String> reader, String topic) throws Exception {
            TestingReaderOutput<String> output = new TestingReaderOutput<>();
            long deadline = System.currentTimeMillis() + 20_000;
            for (int i = 0; output.getEmittedRecords().isEmpty(); i++) {
                assertThat(System.currentTimeMillis()).as("subscribed").isLessThan(deadline);
                broker.publisher().publish(topic, "probe-" + i, 0);
                MqttReconnectRedeliveryITCase.drainFor(reader, output, 200);
            }
            MqttReconnectRedeliveryITCase.drainFor(reader, output, 300);
            assertThat(reader.acksPending()).as("QoS 0 probes owe nothing").isZero();
        }

        /**
         * Adds two readers of one shared subscription to {@code topic} to {@code readers} (so that
         * the caller closes what was opened), each with an output in {@code outputs}.
         */
        void addSharingReaders(
                List<MqttSourceReader<String>> readers,
                List<TestingReaderOutput<String>> outputs,
                String prefix,
                String topic,
                MqttProtocolVersion version) {
            for (int r = 0; r < 2; r++) {
                readers.add(
                        MqttReconnectRedeliveryITCase.reconnectingReader(
                                broker.uri(), prefix, topic, version, r, true));
                outputs.add(new TestingReaderOutput<>());
            }
        }

        /** An MQTT 5 reader that announces a receive maximum of 10. */
        MqttSourceReader<String> withReceiveMaximumOf10(String prefix, String topic) {
            Configuration conf = conf(prefix, topic, MqttProtocolVersion.MQTT_5);
            conf.set(MqttSourceOptions.RECEIVE_MAXIMUM, 10);
            return MqttSourceReaderITCase.open(conf);
        }

        private Configuration conf(String prefix, String topic, MqttProtocolVersion version) {
            Configuration conf = new Configuration();
            conf.set(MqttSourceOptions.BROKER_URIS, List.of(broker.uri()));
            conf.set(MqttSourceOptions.TOPIC_FILTERS, List.of(topic));
            conf.set(MqttSourceOptions.CLIENT_ID_PREFIX, prefix);
            conf.set(MqttSourceOptions.PROTOCOL_VERSION, version);
            return conf;
        }
    }

    /**
     * Polls every reader in turn until {@code done} holds; fails after 30 s naming {@code what}.
     */
    private static void drainUntil(
            List<MqttSourceReader<String>> readers,
            List<TestingReaderOutput<String>> outputs,
            BooleanSupplier done,
            String what)
            throws Exception {
        Await.until(
                () -> {
                    pollEach(readers, outputs, 100);
                    return done.getAsBoolean();
                },
                Duration.ofSeconds(30),
                () ->
                        what
                                + "; read: "
                                + outputs.stream().map(o -> o.getEmittedRecords()).toList());
    }

    /** Polls every reader in turn for {@code millis}. */
    private static void drainFor(
            List<MqttSourceReader<String>> readers,
            List<TestingReaderOutput<String>> outputs,
            long millis)
            throws Exception {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            pollEach(readers, outputs, 50);
        }
    }

    /** Polls each reader in turn for {@code millisEach}, once. */
    private static void pollEach(
            List<MqttSourceReader<String>> readers,
            List<TestingReaderOutput<String>> outputs,
            long millisEach)
            throws Exception {
        for (int r = 0; r < readers.size(); r++) {
            MqttReconnectRedeliveryITCase.drainFor(readers.get(r), outputs.get(r), millisEach);
        }
    }

    /** The index of the output that holds {@code record}, or -1. */
    private static int holderOf(List<TestingReaderOutput<String>> outputs, String record) {
        for (int r = 0; r < outputs.size(); r++) {
            if (outputs.get(r).getEmittedRecords().contains(record)) {
                return r;
            }
        }
        return -1;
    }

    /** How many records of {@code output} start with {@code prefix}. */
    private static long count(TestingReaderOutput<String> output, String prefix) {
        return output.getEmittedRecords().stream().filter(r -> r.startsWith(prefix)).count();
    }

    /** The measured messages {@code output} holds, without a late probe. */
    private static int measured(TestingReaderOutput<String> output) {
        return (int)
                output.getEmittedRecords().stream().filter(r -> !r.startsWith("probe-")).count();
    }

    /**
     * Polls until no further record came for a second (the broker waits for acknowledgements or has
     * sent everything) and returns how many records {@code output} holds.
     */
    private static int drainUntilSteady(
            MqttSourceReader<String> reader, TestingReaderOutput<String> output) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        int before = -1;
        while (output.getEmittedRecords().size() != before) {
            assertThat(System.currentTimeMillis()).as("steady").isLessThan(deadline);
            before = output.getEmittedRecords().size();
            MqttReconnectRedeliveryITCase.drainFor(reader, output, 1_000);
        }
        return before;
    }
}
