package io.vigil.model;

import java.nio.charset.StandardCharsets;

/**
 * Input that could not become a reading: why ({@code reason}, one of a fixed set of codes), where
 * it came from, the payload (cut to {@link #MAX_PAYLOAD_BYTES}), the arrival time and a detail
 * message for people.
 */
public record DeadLetter(
        String reason, String topic, String payload, long arrivalTime, String detail) {

    public static final int MAX_PAYLOAD_BYTES = 1024;

    /** A dead letter whose payload is decoded leniently as UTF-8 and cut to 1 KiB. */
    public static DeadLetter of(
            String reason, String topic, byte[] payload, long arrivalTime, String detail) {
        return new DeadLetter(reason, topic, cut(payload), arrivalTime, detail);
    }

    /**
     * The payload as text, at most {@link #MAX_PAYLOAD_BYTES} bytes, never splitting a character.
     */
    static String cut(byte[] payload) {
        if (payload == null) {
            return "";
        }
        int end = Math.min(payload.length, MAX_PAYLOAD_BYTES);
        // Back off to a character boundary: UTF-8 continuation bytes are 10xxxxxx.
        while (end < payload.length && end > 0 && (payload[end] & 0xC0) == 0x80) {
            end--;
        }
        String text = new String(payload, 0, end, StandardCharsets.UTF_8);
        // Invalid bytes decode to U+FFFD, three bytes each, so the text can outgrow the cut.
        byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
        if (encoded.length <= MAX_PAYLOAD_BYTES) {
            return text;
        }
        end = MAX_PAYLOAD_BYTES;
        while (end > 0 && (encoded[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(encoded, 0, end, StandardCharsets.UTF_8);
    }
}
