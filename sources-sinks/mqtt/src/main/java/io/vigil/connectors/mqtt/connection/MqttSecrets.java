package io.vigil.connectors.mqtt.connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/** Reads the broker password where it lives (environment or file), on the TaskManager. */
@Internal
public final class MqttSecrets {

    private MqttSecrets() {}

    /** The password, if one is configured; never logged, never put into the job graph. */
    public static Optional<byte[]> password(Configuration conf, Function<String, String> env) {
        Optional<String> variable = conf.getOptional(MqttConnectionOptions.PASSWORD_ENV);
        if (variable.isPresent()) {
            String value = env.apply(variable.get());
            if (value == null) {
                throw new FlinkRuntimeException(
                        String.format(
                                "Environment variable %s named by %s is not set",
                                variable.get(), MqttConnectionOptions.PASSWORD_ENV.key()));
            }
            return Optional.of(value.getBytes(StandardCharsets.UTF_8));
        }
        Optional<String> file = conf.getOptional(MqttConnectionOptions.PASSWORD_FILE);
        if (file.isPresent()) {
            try {
                String content = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8);
                return Optional.of(
                        content.replaceAll("[\\r\\n]+$", "").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new FlinkRuntimeException(
                        String.format(
                                "Cannot read the password file %s named by %s",
                                file.get(), MqttConnectionOptions.PASSWORD_FILE.key()),
                        e);
            }
        }
        return Optional.empty();
    }
}
