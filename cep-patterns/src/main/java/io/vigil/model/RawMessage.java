package io.vigil.model;

import java.nio.charset.StandardCharsets;

/**
 * A message as it arrived from the broker, before parsing: the topic, the payload bytes and the
 * arrival time (epoch milliseconds).
 */
public record RawMessage(String topic, byte[] payload, long arrivalTime) {

    /** Convenience for tests and the simulator: a UTF-8 payload. */
    public static RawMessage of(String topic, String payload, long arrivalTime) {
        return new RawMessage(topic, payload.getBytes(StandardCharsets.UTF_8), arrivalTime);
    }
}
