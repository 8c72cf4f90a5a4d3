package io.vigil.connectors.mqtt.connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Reads a secret where it lives (an environment variable or a file, named by two options), on the
 * TaskManager: the broker password, or any other secret given the same two ways.
 */
@Internal
public final class MqttSecrets {

    private MqttSecrets() {}

    /** The password, if one is configured; never logged, never put into the job graph. */
    public static Optional<byte[]> password(Configuration conf, Function<String, String> env) {
        return secret(
                        conf,
                        MqttConnectionOptions.PASSWORD_ENV,
                        MqttConnectionOptions.PASSWORD_FILE,
                        env)
                .map(password -> password.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The secret in the environment variable {@code envOption} names or else in the file {@code
     * fileOption} names (without its trailing line breaks), if either is set; never put into a
     * message. Fails naming the option when the variable is not set or the file cannot be read.
     */
    public static Optional<String> secret(
            Configuration conf,
            ConfigOption<String> envOption,
            ConfigOption<String> fileOption,
            Function<String, String> env) {
        Optional<String> variable = conf.getOptional(envOption);
        if (variable.isPresent()) {
            String value = env.apply(variable.get());
            if (value == null) {
                throw new FlinkRuntimeException(
                        String.format(
                                "Environment variable %s named by %s is not set",
                                variable.get(), envOption.key()));
            }
            return Optional.of(value);
        }
        Optional<String> file = conf.getOptional(fileOption);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    Files.readString(Path.of(file.get()), StandardCharsets.UTF_8)
                            .replaceAll("[\\r\\n]+$", ""));
        } catch (IOException e) {
            throw new FlinkRuntimeException(
                    String.format(
                            "Cannot read the file %s named by %s", file.get(), fileOption.key()),
                    e);
        }
    }
}
