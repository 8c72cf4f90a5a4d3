package io.vigil.connectors.mqtt.source;

import io.vigil.testing.HiveMqExtension;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MqttTestBroker;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the source's job tests that run against both brokers: a Mosquitto and a HiveMQ for each
 * test class (started before and stopped after it), and {@link #brokers()} for a {@code
 * MethodSource}.
 */
abstract class MqttBrokersTestBase {

    @RegisterExtension static final MosquittoExtension MOSQUITTO = new MosquittoExtension();

    @RegisterExtension static final HiveMqExtension HIVEMQ = HiveMqExtension.builder().build();

    static Stream<MqttTestBroker> brokers() {
        return Stream.of(MOSQUITTO, HIVEMQ);
    }
}
