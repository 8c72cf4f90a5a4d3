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

/** A broker without persistence forgets the session on restart; the reader subscribes again. */
class MqttSessionLossITCase {

    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder().withoutPersistence().build();

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void subscribesAgainWhenTheBrokerLostTheSession(MqttProtocolVersion version) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it/lost/" + id;
        Configuration conf = new Configuration();
        conf.set(MqttSourceOptions.BROKER_URIS, List.of(BROKER.uri()));
        conf.set(MqttSourceOptions.TOPIC_FILTERS, List.of(topic));
        conf.set(MqttSourceOptions.CLIENT_ID_PREFIX, "lost-" + id);
        conf.set(MqttSourceOptions.PROTOCOL_VERSION, version);
        conf.set(MqttSourceOptions.RECONNECT_INITIAL_BACKOFF, Duration.ofMillis(100));
        conf.set(MqttSourceOptions.RECONNECT_MAX_BACKOFF, Duration.ofMillis(500));
        MqttSourceReader<String> reader =
                new MqttSourceReader<>(
                        conf,
                        MqttDeserializationSchema.payloadAsUtf8(),
                        new TestingReaderContext());
        reader.addSplits(List.of(new MqttSubscriptionSplit(0)));
        try {
            BROKER.stop();
            BROKER.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (reader.reconnects() == 0
                    || reader.connectionState() != MqttConnection.State.CONNECTED.ordinal()) {
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(20);
            }

            TestingReaderOutput<String> output = new TestingReaderOutput<>();
            try (MosquittoTestPublisher publisher = MosquittoTestPublisher.connect(BROKER.uri())) {
                // The resubscription follows the CONNACK asynchronously: publish until it is in.
                for (int i = 0; output.getEmittedRecords().isEmpty(); i++) {
                    assertThat(System.currentTimeMillis()).isLessThan(deadline);
                    publisher.publish(topic, "after-" + i, 1);
                    reader.pollNext(output);
                    try {
                        reader.isAvailable().get(100, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        // publish again
                    }
                    reader.pollNext(output);
                }
            }
            assertThat(output.getEmittedRecords().get(0)).startsWith("after-");
        } finally {
            reader.close();
        }
    }
}
