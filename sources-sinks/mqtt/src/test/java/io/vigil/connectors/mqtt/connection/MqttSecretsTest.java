package io.vigil.connectors.mqtt.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttSecretsTest {

    @Test
    void readsThePasswordFromTheNamedEnvironmentVariable() {
        Configuration conf = new Configuration();
        conf.set(MqttSourceOptions.PASSWORD_ENV, "MQTT_PASSWORD");

        byte[] password = MqttSecrets.password(conf, Map.of("MQTT_PASSWORD", "s3cret")::get).get();

        assertThat(new String(password, StandardCharsets.UTF_8)).isEqualTo("s3cret");
    }

    @Test
    void failsNamingTheVariableWhenItIsNotSet() {
        Configuration conf = new Configuration();
        conf.set(MqttSourceOptions.PASSWORD_ENV, "MQTT_PASSWORD");

        assertThatThrownBy(() -> MqttSecrets.password(conf, Map.<String, String>of()::get))
                .hasMessageContaining("MQTT_PASSWORD")
                .hasMessageContaining("mqtt.password-env");
    }

    @Test
    void readsThePasswordFileWithoutTheTrailingLineBreakButKeepsSpaces(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, " pass word \n");
        Configuration conf = new Configuration();
        conf.set(MqttSourceOptions.PASSWORD_FILE, file.toString());

        byte[] password = MqttSecrets.password(conf, name -> null).get();

        assertThat(new String(password, StandardCharsets.UTF_8)).isEqualTo(" pass word ");
    }

    @Test
    void failsNamingTheFileWhenItCannotBeRead(@TempDir Path dir) {
        Configuration conf = new Configuration();
        conf.set(MqttSourceOptions.PASSWORD_FILE, dir.resolve("missing").toString());

        assertThatThrownBy(() -> MqttSecrets.password(conf, name -> null))
                .hasMessageContaining("missing")
                .hasMessageContaining("mqtt.password-file");
    }

    @Test
    void hasNoPasswordWhenNoneIsConfigured() {
        assertThat(MqttSecrets.password(new Configuration(), name -> "x")).isEmpty();
    }
}
