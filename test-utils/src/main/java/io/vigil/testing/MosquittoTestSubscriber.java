package io.vigil.testing;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Subscribes to a topic filter at QoS 2 on a plain (anonymous) Mosquitto listener over MQTT 5 and
 * collects what arrives, with a persistent session and automatic reconnect so that it also sees
 * what is published across a broker restart.
 */
public final class MosquittoTestSubscriber implements AutoCloseable {

    /** A message as it arrived. */
    public record Received(String topic, String payload, int qos, boolean retained) {}

    private final Mqtt5AsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private MosquittoTestSubscriber(Mqtt5AsyncClient client) {
        this.client = client;
    }

    /** Connects and subscribes; returns once the broker has confirmed the subscription. */
    public static MosquittoTestSubscriber subscribe(String tcpUri, String topicFilter)
            throws Exception {
        Mqtt5AsyncClient client =
                TestMqttClients.builder(tcpUri, "subscriber")
                        .automaticReconnect()
                        .initialDelay(100, TimeUnit.MILLISECONDS)
                        .maxDelay(1, TimeUnit.SECONDS)
                        .applyAutomaticReconnect()
                        .buildAsync();
        MosquittoTestSubscriber subscriber = new MosquittoTestSubscriber(client);
        client.publishes(
                MqttGlobalPublishFilter.ALL,
                publish ->
                        subscriber.received.add(
                                new Received(
                                        publish.getTopic().toString(),
                                        new String(
                                                publish.getPayloadAsBytes(),
                                                StandardCharsets.UTF_8),
                                        publish.getQos().getCode(),
                                        publish.isRetain())));
        client.connect(Mqtt5Connect.builder().cleanStart(false).sessionExpiryInterval(300).build())
                .get(10, TimeUnit.SECONDS);
        client.subscribeWith()
                .topicFilter(topicFilter)
                .qos(MqttQos.EXACTLY_ONCE)
                .send()
                .get(10, TimeUnit.SECONDS);
        return subscriber;
    }

    /** Everything received so far, in arrival order. */
    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Waits until at least {@code count} messages have arrived, or the timeout; returns them. */
    public List<Received> await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return received();
    }

    @Override
    public void close() throws Exception {
        client.disconnect().get(10, TimeUnit.SECONDS);
    }
}
