package io.vigil.tools.simulator;

import io.vigil.model.SensorReading;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One MQTT message of a simulation: topic, payload, its place in event time, the readings it
 * carries and, for a malformed message, the dead-letter reason code the parser must give.
 *
 * <p>{@code eventTime} orders publishing: for a reading it is the reading's time, for a batch the
 * time of its last reading, for a malformed message the time of the valid message it follows.
 * {@code readings} is empty exactly when {@code expectedReason} is not {@code null}. Equality
 * compares the payload's bytes.
 */
public record SimulatedMessage(
        String topic,
        byte[] payload,
        long eventTime,
        List<SensorReading> readings,
        String expectedReason) {

    public SimulatedMessage {
        readings = List.copyOf(readings);
    }

    public boolean isMalformed() {
        return expectedReason != null;
    }

    /** The payload decoded as UTF-8, for logs and tests. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SimulatedMessage that
                && eventTime == that.eventTime
                && topic.equals(that.topic)
                && Arrays.equals(payload, that.payload)
                && readings.equals(that.readings)
                && Objects.equals(expectedReason, that.expectedReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), eventTime, readings, expectedReason);
    }

    @Override
    public String toString() {
        String text = payloadText();
        return String.format(
                "SimulatedMessage[topic=%s, eventTime=%d, payload=%s%s]",
                topic,
                eventTime,
                text.length() > 120 ? text.substring(0, 120) + "..." : text,
                expectedReason == null ? "" : ", expectedReason=" + expectedReason);
    }
}
