package io.vigil.benchmarks;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.vigil.job.AlertMessages;
import io.vigil.model.Alert;
import java.util.HashMap;
import java.util.Map;

/**
 * A subscriber to the alerts the job publishes on MQTT ({@code alerts/#}), remembering when each
 * alert (pattern, key and start) was first heard: the alert's way out that does not pass through
 * the InfluxDB sink's batches.
 */
final class AlertTap implements AutoCloseable {

    private final Mqtt5AsyncClient client;

    /** Wall-clock ms at which each alert was first heard, by {@link #id}. */
    private final Map<String, Long> heard = new HashMap<>();

    AlertTap(int port) {
        client =
                MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("bench-alert-tap")
                        .serverHost("127.0.0.1")
                        .serverPort(port)
                        .buildAsync();
        client.connectWith().cleanStart(true).send().join();
        client.subscribeWith()
                .topicFilter("alerts/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(
                        publish -> {
                            long now = System.currentTimeMillis();
                            Alert alert = AlertMessages.parse(publish.getPayloadAsBytes());
                            synchronized (heard) {
                                heard.putIfAbsent(
                                        id(
                                                alert.pattern(),
                                                alert.site(),
                                                alert.device(),
                                                alert.metric(),
                                                alert.startedAt()),
                                        now);
                            }
                        })
                .send()
                .join();
    }

    /** The identity of an alert across its events: the same in InfluxDB and on MQTT. */
    static String id(String pattern, Object site, Object device, Object metric, Object startedAt) {
        return pattern + " " + site + "/" + device + "/" + metric + " " + startedAt;
    }

    /** When each alert was first heard so far (wall-clock ms), by {@link #id}. */
    Map<String, Long> heard() {
        synchronized (heard) {
            return new HashMap<>(heard);
        }
    }

    @Override
    public void close() {
        client.disconnect().join();
    }
}
