package io.vigil;

import java.time.Duration;

/** Short, InfluxDB-style labels for durations ({@code 1m}, {@code 30s}, {@code 1500ms}). */
public final class Durations {

    private Durations() {}

    public static String label(Duration duration) {
        long ms = duration.toMillis();
        if (ms > 0 && ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms > 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms > 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms > 0 && ms % 1_000L == 0) {
            return ms / 1_000L + "s";
        }
        return ms + "ms";
    }
}
