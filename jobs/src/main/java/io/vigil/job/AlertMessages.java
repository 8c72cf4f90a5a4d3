package io.vigil.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.connectors.mqtt.sink.MqttSerializationSchema;
import io.vigil.model.Alert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.util.FlinkRuntimeException;

/** Alerts as JSON on {@code {prefix}/{site}/{device}/{pattern}}, for devices and operators. */
public class AlertMessages implements MqttSerializationSchema<Alert> {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;

    public AlertMessages(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public String topic(Alert alert) {
        return String.join("/", prefix, alert.site(), alert.device(), alert.pattern());
    }

    @Override
    public byte[] payload(Alert alert) {
        try {
            return JSON.writeValueAsBytes(alert);
        } catch (JsonProcessingException e) {
            throw new FlinkRuntimeException(String.format("Cannot write %s as JSON", alert), e);
        }
    }

    /** Reads an alert back from its JSON payload (for subscribers written in Java, and tests). */
    public static Alert parse(byte[] payload) {
        try {
            return JSON.readValue(payload, Alert.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Not an alert: " + new String(payload, StandardCharsets.UTF_8), e);
        }
    }
}
