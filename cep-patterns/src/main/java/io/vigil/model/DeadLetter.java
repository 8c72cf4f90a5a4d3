package io.vigil.model;

import java.nio.charset.StandardCharsets;

/**
 * Input that could not become a reading: why ({@code reason}, one of a fixed set of codes), where
 * it came from, the payload (cut to {@link #MAX_PAYLOAD_BYTES}), the arrival time and a detail
 * message for people.
 *
 * <p>{@code key} tells apart the dead letters of one arrival millisecond where they are stored, as
 * a function of their message (0: derive it from the dead letter's content); {@code count} is the
 * number of inputs the dead letter stands for (more than 1 for a summary).
 */
public record DeadLetter(
        String reason,
        String topic,
        String payload,
        long arrivalTime,
        String detail,
        long key,
        long count) {

    public static final int MAX_PAYLOAD_BYTES = 1024;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** A dead letter for one input, keyed by its content. */
    public DeadLetter(
            String reason, String topic, String payload, long arrivalTime, String detail) {
        this(reason, topic, payload, arrivalTime, detail, 0L, 1L);
    }

    /** This dead letter with the given key. */
    public DeadLetter withKey(long newKey) {
        return new DeadLetter(reason, topic, payload, arrivalTime, detail, newKey, count);
    }

    /** This dead letter standing for {@code inputs} inputs, with the given detail. */
    public DeadLetter summarising(long inputs, String newDetail) {
        return new DeadLetter(reason, topic, payload, arrivalTime, newDetail, key, inputs);
    }

    /**
     * A 64-bit hash of the parts (FNV-1a over their UTF-8 bytes, each part ended by a zero byte,
     * then mixed as MurmurHash3 finishes): stable across JVMs, runs and restarts.
     */
    public static long hash(String... parts) {
        long h = FNV_OFFSET;
        for (String part : parts) {
            h = endPart(fnv(h, part));
        }
        return finish(h);
    }

    /**
     * {@code hash(topic, new String(payload, ISO_8859_1))}, without decoding and encoding the
     * payload again: a byte below 0x80 is its own UTF-8 byte, any other is one ISO-8859-1 character
     * of two UTF-8 bytes. For a message's payload, which can be large.
     */
    public static long hashLatin1(String topic, byte[] payload) {
        long h = endPart(fnv(FNV_OFFSET, topic));
        for (byte b : payload) {
            int c = b & 0xff;
            if (c < 0x80) {
                h = (h ^ c) * FNV_PRIME;
            } else {
                h = (h ^ (0xc0 | c >>> 6)) * FNV_PRIME;
                h = (h ^ (0x80 | (c & 0x3f))) * FNV_PRIME;
            }
        }
        return finish(endPart(h));
    }

    private static long fnv(long h, String part) {
        for (byte b : (part == null ? "" : part).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * FNV_PRIME;
        }
        return h;
    }

    private static long endPart(long h) {
        return (h ^ 0) * FNV_PRIME;
    }

    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

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
