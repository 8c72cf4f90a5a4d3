package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;

class MqttSourceBuilderTest {

    private static MqttSourceBuilder<MqttMessage> valid() {
        return MqttSource.<MqttMessage>builder()
                .setBrokerUris("tcp://127.0.0.1:1883")
                .setTopicFilters("sensors/+/+/temperature", "sensors/#")
                .setClientIdPrefix("vigil")
                .setDeserializer(MqttDeserializationSchema.raw());
    }

    @Test
    void buildsAnUnboundedSourceWithDefaults() {
        MqttSource<MqttMessage> source = valid().build();

        Configuration conf = source.getConfiguration();
        assertThat(source.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(conf.get(MqttSourceOptions.QOS)).isEqualTo(1);
        assertThat(conf.get(MqttSourceOptions.PROTOCOL_VERSION))
                .isEqualTo(MqttProtocolVersion.MQTT_5);
        assertThat(conf.get(MqttSourceOptions.TLS_HOSTNAME_VERIFICATION)).isTrue();
        assertThat(conf.get(MqttSourceOptions.MAX_PACKET_SIZE).getBytes()).isEqualTo(256 * 1024);
        assertThat(conf.get(MqttSourceOptions.TOPIC_FILTERS))
                .containsExactly("sensors/+/+/temperature", "sensors/#");
        assertThat(source.getProducedType().getTypeClass()).isEqualTo(MqttMessage.class);
    }

    @Test
    void takesMqttSettingsFromAConfigurationAndIgnoresOthers() {
        Configuration settings = new Configuration();
        settings.setString("mqtt.qos", "2");
        settings.setString("mqtt.protocol-version", "MQTT_3_1_1");
        settings.setString("influxdb.url", "http://x");

        Configuration conf = valid().setConfiguration(settings).build().getConfiguration();

        assertThat(conf.get(MqttSourceOptions.QOS)).isEqualTo(2);
        assertThat(conf.get(MqttSourceOptions.PROTOCOL_VERSION))
                .isEqualTo(MqttProtocolVersion.MQTT_3_1_1);
        assertThat(conf.containsKey("influxdb.url")).isFalse();
    }

    @Test
    void rejectsAMissingBrokerUri() {
        assertThatThrownBy(
                        () ->
                                MqttSource.<MqttMessage>builder()
                                        .setTopicFilters("a")
                                        .setClientIdPrefix("p")
                                        .setDeserializer(MqttDeserializationSchema.raw())
                                        .build())
                .hasMessageContaining("mqtt.broker-uris")
                .hasMessageContaining("required");
    }

    @Test
    void rejectsAnUnknownUriScheme() {
        assertThatThrownBy(() -> valid().setBrokerUris("http://127.0.0.1:1883").build())
                .hasMessageContaining("mqtt.broker-uris = http://127.0.0.1:1883")
                .hasMessageContaining("tcp:// or ssl://");
    }

    @Test
    void rejectsABadUriWithoutShowingItsUserInfo() {
        assertThatThrownBy(
                        () -> valid().setBrokerUris("mqtt://vigil:s3cret-pw@broker:1883").build())
                .hasMessageContaining("mqtt://***@broker:1883")
                .hasMessageNotContaining("s3cret-pw");
        assertThatThrownBy(() -> valid().setBrokerUris("tcp://vigil:s3cret-pw@broker").build())
                .hasMessageContaining("tcp://***@broker")
                .hasMessageNotContaining("s3cret-pw");
    }

    @Test
    void rejectsAUriWithoutPort() {
        assertThatThrownBy(() -> valid().setBrokerUris("tcp://broker").build())
                .hasMessageContaining("tcp://broker")
                .hasMessageContaining("port");
    }

    @Test
    void rejectsMisplacedWildcards() {
        assertThatThrownBy(() -> valid().setTopicFilters("sensors/#/x").build())
                .hasMessageContaining("mqtt.topic-filters = sensors/#/x")
                .hasMessageContaining("'#'");
        assertThatThrownBy(() -> valid().setTopicFilters("sensors/a+").build())
                .hasMessageContaining("mqtt.topic-filters = sensors/a+")
                .hasMessageContaining("'+'");
        assertThatThrownBy(() -> valid().setTopicFilters("").build())
                .hasMessageContaining("mqtt.topic-filters");
    }

    @Test
    void rejectsASharedSubscriptionFilterBecauseTheSourceAddsItItself() {
        assertThatThrownBy(() -> valid().setTopicFilters("$share/g/sensors/#").build())
                .hasMessageContaining("$share/g/sensors/#")
                .hasMessageContaining("adds $share");
    }

    @Test
    void rejectsQosOutOfRange() {
        assertThatThrownBy(() -> valid().setQos(3).build()).hasMessageContaining("mqtt.qos = 3");
    }

    @Test
    void rejectsAMissingOrBadClientIdPrefix() {
        assertThatThrownBy(
                        () ->
                                MqttSource.<MqttMessage>builder()
                                        .setBrokerUris("tcp://h:1")
                                        .setTopicFilters("a")
                                        .setDeserializer(MqttDeserializationSchema.raw())
                                        .build())
                .hasMessageContaining("mqtt.client-id-prefix");
        assertThatThrownBy(() -> valid().setClientIdPrefix("a/b").build())
                .hasMessageContaining("mqtt.client-id-prefix = a/b");
        assertThatThrownBy(() -> valid().setSharedSubscriptionGroup("g#").build())
                .hasMessageContaining("mqtt.shared-subscription.group = g#");
    }

    @Test
    void rejectsTwoPasswordSourcesAndAPasswordWithoutUser() {
        assertThatThrownBy(
                        () ->
                                valid().setUsername("u")
                                        .setPasswordEnv("MQTT_PASSWORD")
                                        .setPasswordFile("/run/secrets/mqtt")
                                        .build())
                .hasMessageContaining("mqtt.password-file")
                .hasMessageContaining("mqtt.password-env");
        assertThatThrownBy(() -> valid().setPasswordFile("/run/secrets/mqtt").build())
                .hasMessageContaining("mqtt.username");
    }

    @Test
    void rejectsTlsSettingsWithoutAnSslUri() {
        assertThatThrownBy(() -> valid().setTlsCaFile("/ca.pem").build())
                .hasMessageContaining("mqtt.broker-uris")
                .hasMessageContaining("ssl://");
    }

    @Test
    void rejectsBothCaFileAndTruststoreAndAHalfClientCertificate() {
        MqttSourceBuilder<MqttMessage> ssl = valid().setBrokerUris("ssl://127.0.0.1:8883");
        assertThatThrownBy(
                        () ->
                                ssl.setTlsCaFile("/ca.pem")
                                        .setTlsTruststore("/t.p12", "PKCS12", null)
                                        .build())
                .hasMessageContaining("mqtt.tls.truststore.path = /t.p12");
        MqttSourceBuilder<MqttMessage> halfCert =
                valid().setBrokerUris("ssl://127.0.0.1:8883")
                        .set(MqttSourceOptions.TLS_CLIENT_CERT_FILE, "/client.pem");
        assertThatThrownBy(halfCert::build).hasMessageContaining("mqtt.tls.client-key-file");
    }

    @Test
    void rejectsBadDurationsAndSizes() {
        assertThatThrownBy(() -> valid().setSessionExpiry(Duration.ZERO).build())
                .hasMessageContaining("mqtt.session-expiry = PT0S");
        assertThatThrownBy(
                        () ->
                                valid().setReconnectBackoff(
                                                Duration.ofSeconds(10), Duration.ofSeconds(1))
                                        .build())
                .hasMessageContaining("mqtt.reconnect.max-backoff = PT1S");
        assertThatThrownBy(() -> valid().setQueueCapacity(0).build())
                .hasMessageContaining("mqtt.queue-capacity = 0");
        assertThatThrownBy(() -> valid().setReceiveMaximum(70_000).build())
                .hasMessageContaining("mqtt.receive-maximum = 70000");
        assertThatThrownBy(
                        () ->
                                valid().set(MqttSourceOptions.KEEP_ALIVE, Duration.ofMillis(10))
                                        .build())
                .hasMessageContaining("mqtt.keep-alive");
        assertThatThrownBy(
                        () ->
                                valid().set(
                                                MqttSourceOptions.MAX_PACKET_SIZE,
                                                MemorySize.ofMebiBytes(512))
                                        .build())
                .hasMessageContaining("mqtt.max-packet-size = 512 mb");
    }

    @Test
    void rejectsAMissingDeserializer() {
        assertThatThrownBy(
                        () ->
                                MqttSource.<MqttMessage>builder()
                                        .setBrokerUris("tcp://h:1")
                                        .setTopicFilters(List.of("a").toArray(new String[0]))
                                        .setClientIdPrefix("p")
                                        .build())
                .hasMessageContaining("deserializer");
    }
}
