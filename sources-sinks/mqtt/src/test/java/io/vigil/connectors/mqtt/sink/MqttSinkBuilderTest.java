package io.vigil.connectors.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class MqttSinkBuilderTest {

    /** Publishes a string to the topic {@code out/<string>}. */
    static final class ToOut implements MqttSerializationSchema<String> {
        @Override
        public String topic(String element) {
            return "out/" + element;
        }

        @Override
        public byte[] payload(String element) {
            return element.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static MqttSinkBuilder<String> valid() {
        return MqttSink.<String>builder()
                .setBrokerUris("tcp://127.0.0.1:1883")
                .setSerializer(new ToOut());
    }

    @Test
    void buildsWithDefaults() {
        Configuration conf = valid().build().getConfiguration();

        assertThat(conf.get(MqttSinkOptions.QOS)).isEqualTo(1);
        assertThat(conf.get(MqttSinkOptions.MAX_IN_FLIGHT)).isEqualTo(1000);
        assertThat(conf.get(MqttSinkOptions.RETAIN)).isFalse();
        assertThat(conf.get(MqttSinkOptions.CLIENT_ID_PREFIX)).isEqualTo("vigil-publisher");
        assertThat(conf.get(MqttSourceOptions.PROTOCOL_VERSION))
                .isEqualTo(MqttProtocolVersion.MQTT_5);
    }

    @Test
    void derivesTheClientIdPrefixFromTheSourcePrefix() {
        Configuration conf =
                valid().set(MqttSourceOptions.CLIENT_ID_PREFIX, "vigil-sensors")
                        .build()
                        .getConfiguration();

        assertThat(conf.get(MqttSinkOptions.CLIENT_ID_PREFIX)).isEqualTo("vigil-sensors-publisher");
    }

    @Test
    void ownClientIdPrefixWinsOverTheSourcePrefix() {
        Configuration conf =
                valid().set(MqttSourceOptions.CLIENT_ID_PREFIX, "vigil-sensors")
                        .setClientIdPrefix("alerts")
                        .build()
                        .getConfiguration();

        assertThat(conf.get(MqttSinkOptions.CLIENT_ID_PREFIX)).isEqualTo("alerts");
    }

    @Test
    void takesTheSourceConfigurationAndItsOwnKeysButNothingElse() {
        Configuration job = new Configuration();
        job.setString("mqtt.broker-uris", "ssl://broker.example:8883");
        job.setString("mqtt.topic-filters", "sensors/#");
        job.setString("mqtt.protocol-version", "MQTT_3_1_1");
        job.setString("mqtt.username", "vigil");
        job.setString("mqtt.password-env", "MQTT_PASSWORD");
        job.setString("mqtt.tls.ca-file", "/etc/vigil/ca.pem");
        job.setString("mqtt.sink.qos", "2");
        job.setString("mqtt.sink.max-in-flight", "50");
        job.setString("mqtt.sink.retain", "true");
        job.setString("influxdb.url", "http://x");

        Configuration conf =
                MqttSink.<String>builder()
                        .setConfiguration(job)
                        .setSerializer(new ToOut())
                        .build()
                        .getConfiguration();

        assertThat(conf.get(MqttSourceOptions.BROKER_URIS))
                .containsExactly("ssl://broker.example:8883");
        assertThat(conf.get(MqttSourceOptions.PROTOCOL_VERSION))
                .isEqualTo(MqttProtocolVersion.MQTT_3_1_1);
        assertThat(conf.get(MqttSourceOptions.USERNAME)).isEqualTo("vigil");
        assertThat(conf.get(MqttSourceOptions.TLS_CA_FILE)).isEqualTo("/etc/vigil/ca.pem");
        assertThat(conf.get(MqttSinkOptions.QOS)).isEqualTo(2);
        assertThat(conf.get(MqttSinkOptions.MAX_IN_FLIGHT)).isEqualTo(50);
        assertThat(conf.get(MqttSinkOptions.RETAIN)).isTrue();
        assertThat(conf.containsKey("influxdb.url")).isFalse();
    }

    @Test
    void rejectsAMissingSerializer() {
        assertThatThrownBy(() -> MqttSink.<String>builder().setBrokerUris("tcp://h:1883").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setSerializer");
    }

    @Test
    void rejectsAMissingBrokerUri() {
        assertThatThrownBy(() -> MqttSink.<String>builder().setSerializer(new ToOut()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid mqtt.broker-uris = null: is required but not set");
    }

    @Test
    void rejectsABrokerUriWithoutPort() {
        assertThatThrownBy(() -> valid().setBrokerUris("tcp://broker").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mqtt.broker-uris = tcp://broker")
                .hasMessageContaining("port");
    }

    @Test
    void rejectsQosOutsideZeroToTwo() {
        assertThatThrownBy(() -> valid().setQos(3).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid mqtt.sink.qos = 3: must be 0, 1 or 2");
    }

    @Test
    void rejectsMaxInFlightBelowOne() {
        assertThatThrownBy(() -> valid().setMaxInFlight(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid mqtt.sink.max-in-flight = 0: must be between 1 and 65535");
    }

    @Test
    void rejectsAClientIdPrefixWithATopicSeparator() {
        assertThatThrownBy(() -> valid().setClientIdPrefix("a/b").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mqtt.sink.client-id-prefix = a/b");
    }

    @Test
    void rejectsAPasswordWithoutUsername() {
        assertThatThrownBy(() -> valid().setPasswordEnv("MQTT_PASSWORD").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mqtt.username")
                .hasMessageContaining("must be set when a password is given");
    }

    @Test
    void rejectsTlsSettingsWithoutAnSslUri() {
        assertThatThrownBy(() -> valid().setTlsCaFile("/etc/ca.pem").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mqtt.broker-uris")
                .hasMessageContaining("no URI uses ssl://");
    }

    @Test
    void rejectsANonPositiveConnectTimeout() {
        assertThatThrownBy(() -> valid().setConnectTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid mqtt.connect-timeout = PT0S: must be positive");
    }
}
