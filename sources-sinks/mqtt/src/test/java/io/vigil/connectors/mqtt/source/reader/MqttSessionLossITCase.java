package io.vigil.connectors.mqtt.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.mqtt.connection.MqttConnection;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        MqttSourceReader<String> reader =
                MqttReconnectRedeliveryITCase.reconnectingReader(
                        BROKER.uri(), "lost-" + id, topic, version);
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
