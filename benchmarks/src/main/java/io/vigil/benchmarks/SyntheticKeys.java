package io.vigil.benchmarks;

import io.vigil.model.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A fleet of any number of sensor keys, made on the fly from the sequence number (nothing held in
 * memory, so a million keys fit): key {@code k} of {@code keys} sends one plain reading every
 * {@code period}, round after round, the keys spread evenly over the period so that the readings
 * come in event-time order. Even keys are {@code sound} (45 to 65 dB), odd keys {@code temperature}
 * (40 to 42 °C, noisy): no burst or drift fires; silence does not either while readings keep
 * coming. Sequence numbers are dealt to the source subtasks as {@link DealtMessages} deals them.
 */
final class SyntheticKeys extends DealtMessages {

    private static final long serialVersionUID = 1L;

    static final long START_MILLIS = 1_764_547_200_000L;
    private static final int DEVICES_PER_SITE = 1000;

    private final long keys;
    private final long periodMillis;

    SyntheticKeys(long keys, long periodMillis, long messages, int parallelism) {
        super(messages, parallelism);
        this.keys = keys;
        this.periodMillis = periodMillis;
    }

    @Override
    RawMessage message(long index) {
        long key = index % keys;
        long round = index / keys;
        long ts = START_MILLIS + round * periodMillis + key * periodMillis / keys;
        boolean sound = key % 2 == 0;
        long noise = Math.floorMod(key * 2_654_435_761L + round * 40_503L, 1000);
        double value = sound ? 45 + noise / 50.0 : 40 + noise / 500.0;
        String topic =
                "sensors/site-"
                        + key / DEVICES_PER_SITE
                        + "/dev-"
                        + key % DEVICES_PER_SITE
                        + (sound ? "/sound" : "/temperature");
        String payload =
                String.format(
                        Locale.ROOT,
                        "{\"ts\":%d,\"value\":%.2f,\"unit\":\"%s\"}",
                        ts,
                        value,
                        sound ? "dB" : "C");
        return new RawMessage(topic, payload.getBytes(StandardCharsets.UTF_8), ts);
    }
}
