package io.vigil.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import java.net.URI;
import java.util.UUID;

/** MQTT 5 clients of the tests' own, for a plain (anonymous) listener. */
public final class TestMqttClients {

    private TestMqttClients() {}

    /**
     * An MQTT 5 client for the listener at {@code tcpUri} ({@code tcp://host:port}), with a random
     * client id that starts with {@code role}, left to build.
     */
    public static Mqtt5ClientBuilder builder(String tcpUri, String role) {
        URI uri = URI.create(tcpUri);
        return MqttClient.builder()
                .useMqttVersion5()
                .identifier(role + "-" + UUID.randomUUID())
                .serverHost(uri.getHost())
                .serverPort(uri.getPort());
    }
}
