package io.vigil.connectors.mqtt.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.testing.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The broker login in either protocol version: a user with the right and a wrong password. */
class MqttConnectionLoginITCase {

    private static final String USER = "vigil";
    private static final String PASSWORD = "correct horse";

    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder().withPasswordListener(USER, PASSWORD).build();

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void logsInWithUserAndPassword(MqttProtocolVersion version) {
        try (MqttConnection connection = connection(version, USER, Optional.of(PASSWORD))) {
            connection.connect();

            assertThat(connection.isConnected()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(MqttProtocolVersion.class)
    void isRefusedWithAWrongPassword(MqttProtocolVersion version) {
        try (MqttConnection connection = connection(version, USER, Optional.of("wrong"))) {
            assertThatThrownBy(connection::connect)
                    .hasMessageContaining("Cannot connect to MQTT broker " + BROKER.passwordUri())
                    .satisfies(
                            e ->
                                    assertThat(e.getMessage())
                                            .containsAnyOf(
                                                    "NOT_AUTHORIZED", "BAD_USER_NAME_OR_PASSWORD"));
        }
    }

    private static MqttConnection connection(
            MqttProtocolVersion version, String user, Optional<String> password) {
        Configuration conf = new Configuration();
        conf.set(MqttConnectionOptions.BROKER_URIS, List.of(BROKER.passwordUri()));
        conf.set(MqttConnectionOptions.PROTOCOL_VERSION, version);
        conf.set(MqttConnectionOptions.USERNAME, user);
        return new MqttConnection(
                conf,
                "login-" + version,
                "client",
                true,
                10,
                password.map(p -> p.getBytes(StandardCharsets.UTF_8)),
                new MqttConnection.Listener() {});
    }
}
