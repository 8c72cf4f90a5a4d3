package io.vigil.model;

import java.nio.charset.StandardCharsets;

/**
 * Alert ids: a function of the pattern, the key and the start of the alert, so that the events of
 * one alert share it and a replay after a restore gives the same id again.
 */
public final class AlertIds {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private AlertIds() {}

    /** 16 hexadecimal digits: the 64-bit FNV-1a hash of the pattern, key and start. */
    public static String of(
            String pattern, String site, String device, String metric, long startedAt) {
        long hash = FNV_OFFSET;
        for (String part : new String[] {pattern, site, device, metric, Long.toString(startedAt)}) {
            for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                hash = (hash ^ (b & 0xff)) * FNV_PRIME;
            }
            // A separator no part can contain, so that ("ab", "c") and ("a", "bc") differ.
            hash = (hash ^ 0x100) * FNV_PRIME;
        }
        return String.format("%016x", hash);
    }
}
