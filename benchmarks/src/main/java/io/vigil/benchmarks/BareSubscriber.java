package io.vigil.benchmarks;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline consumer of figure 3: a HiveMQ MQTT 5 client with a clean session subscribed to
 * {@code sensors/#} at QoS 1 with automatic acknowledgement, counting what arrives and when the
 * last message came.
 */
final class BareSubscriber implements AutoCloseable {

    private final Mqtt5AsyncClient client;
    private final AtomicLong received = new AtomicLong();
    private volatile long lastNanos;

    BareSubscriber(int port, String filter) {
        client =
                MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("bench-bare-subscriber")
                        .serverHost("127.0.0.1")
                        .serverPort(port)
                        .buildAsync();
        client.connectWith().cleanStart(true).send().join();
        client.subscribeWith()
                .topicFilter(filter)
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(
                        publish -> {
                            received.incrementAndGet();
                            lastNanos = System.nanoTime();
                        })
                .send()
                .join();
    }

    long received() {
        return received.get();
    }

    long lastNanos() {
        return lastNanos;
    }

    @Override
    public void close() {
        client.disconnect().join();
    }
}
