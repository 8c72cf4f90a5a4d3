package io.vigil.testing;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserPropertiesBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Publishes test messages to a plain (anonymous) Mosquitto listener over MQTT 5. */
public final class MosquittoTestPublisher implements AutoCloseable {

    private final Mqtt5Client client;

    private MosquittoTestPublisher(Mqtt5Client client) {
        this.client = client;
    }

    /** Connects a publisher with a random client id and a clean session. */
    public static MosquittoTestPublisher connect(String tcpUri) {
        Mqtt5BlockingClient client = TestMqttClients.builder(tcpUri, "publisher").buildBlocking();
        client.connect();
        return new MosquittoTestPublisher(client);
    }

    public void publish(String topic, String payload, int qos) {
        publish(topic, payload, qos, false, Map.of());
    }

    public void publish(
            String topic,
            String payload,
            int qos,
            boolean retain,
            Map<String, String> userProperties) {
        Mqtt5PublishBuilder.Complete publish =
                Mqtt5Publish.builder()
                        .topic(topic)
                        .payload(payload.getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.fromCode(qos))
                        .retain(retain);
        Mqtt5UserPropertiesBuilder properties = Mqtt5UserProperties.builder();
        userProperties.forEach(properties::add);
        publish.userProperties(properties.build());
        client.toBlocking().publish(publish.build());
    }

    /**
     * Publishes {@code count} QoS {@code qos} messages {@code prefix + i}, pipelined rather than
     * one round trip each, and waits until the broker has them all.
     */
    public void publishMany(String topic, String prefix, int from, int count, int qos)
            throws Exception {
        publishMany(topic, prefix, from, count, qos, 0);
    }

    /**
     * As {@link #publishMany(String, String, int, int, int)}, each payload followed by a space and
     * {@code padding} bytes.
     */
    public void publishMany(String topic, String prefix, int from, int count, int qos, int padding)
            throws Exception {
        String tail = padding == 0 ? "" : " " + "x".repeat(padding);
        List<CompletableFuture<Mqtt5PublishResult>> results = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            results.add(
                    client.toAsync()
                            .publish(
                                    Mqtt5Publish.builder()
                                            .topic(topic)
                                            .payload(
                                                    (prefix + i + tail)
                                                            .getBytes(StandardCharsets.UTF_8))
                                            .qos(MqttQos.fromCode(qos))
                                            .build()));
            if (results.size() >= 500) {
                awaitAll(results);
            }
        }
        awaitAll(results);
    }

    /**
     * Publishes {@code count} QoS 1 messages {@code prefix + i} at {@code perSecond} messages a
     * second at most (slower if the broker or the machine cannot keep up): message {@code i} goes
     * out no earlier than {@code i / perSecond} seconds after the first, with up to {@code window}
     * unacknowledged at a time; waits until the broker has them all.
     */
    public void publishAtRate(String topic, String prefix, int count, int perSecond, int window)
            throws Exception {
        Semaphore permits = new Semaphore(window);
        List<CompletableFuture<Mqtt5PublishResult>> results = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + (long) i * 1_000_000_000L / perSecond;
            long early = due - System.nanoTime();
            if (early > 0) {
                TimeUnit.NANOSECONDS.sleep(early);
            }
            permits.acquire();
            CompletableFuture<Mqtt5PublishResult> result =
                    client.toAsync()
                            .publish(
                                    Mqtt5Publish.builder()
                                            .topic(topic)
                                            .payload((prefix + i).getBytes(StandardCharsets.UTF_8))
                                            .qos(MqttQos.AT_LEAST_ONCE)
                                            .build());
            result.whenComplete((ok, error) -> permits.release());
            results.add(result);
        }
        awaitAll(results);
    }

    private static void awaitAll(List<CompletableFuture<Mqtt5PublishResult>> results)
            throws Exception {
        for (CompletableFuture<Mqtt5PublishResult> result : results) {
            result.get(30, TimeUnit.SECONDS)
                    .getError()
                    .ifPresent(
                            e -> {
                                throw new IllegalStateException("Publish failed", e);
                            });
        }
        results.clear();
    }

    @Override
    public void close() {
        client.toBlocking().disconnect();
    }
}
