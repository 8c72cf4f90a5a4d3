package io.vigil.tools.simulator;

import java.util.Locale;

/**
 * One injected anomaly, the ground truth a detector is judged against.
 *
 * <p>What the fields mean for each {@link Kind}:
 *
 * <ul>
 *   <li>{@code burst}: {@code startedAt}/{@code endedAt} are the event times of the first and the
 *       last loud reading (all above 85 dB, consecutive, at most 6 spanning at most 10 s; the
 *       readings right before and right after are ambient, at most 70 dB); {@code events} is the
 *       number of loud readings, {@code peak} the loudest.
 *   <li>{@code drift}: {@code startedAt}/{@code endedAt} are the event times of the first and the
 *       last reading of a steady temperature rise (20 to 28 readings, each higher than the one
 *       before, last minus first between 3.39 and 5.11); {@code events} is the number of rising
 *       readings, {@code peak} the highest. After it the temperature falls back to ambient by at
 *       least 0.5 per reading.
 *   <li>{@code silence}: {@code startedAt} is the event time of the last reading before the gap,
 *       {@code endedAt} the event time of the first reading after it; {@code endedAt - startedAt}
 *       is more than 150 s (longer than the 2 min silence pattern). {@code events} is 0 and {@code
 *       peak} is NaN.
 *   <li>{@code malformed}: one extra message that is not a reading; {@code startedAt} and {@code
 *       endedAt} both are its place in the event-time order of the published messages (a dead
 *       letter is stamped with its arrival time, not with this); {@code topic} is where it was
 *       published (for {@code bad-topic} not a valid reading topic), {@code reason} the dead-letter
 *       reason code the parser must give; {@code events} is 1 and {@code peak} NaN.
 * </ul>
 *
 * <p>{@code site}, {@code device}, {@code metric} always name the device the episode belongs to;
 * {@code reason} is {@code null} except for malformed messages.
 */
public record Episode(
        Kind kind,
        String site,
        String device,
        String metric,
        String topic,
        long startedAt,
        long endedAt,
        int events,
        double peak,
        String reason) {

    /** The kinds of injected anomaly; {@link #code()} is the name used in the labels file. */
    public enum Kind {
        BURST,
        DRIFT,
        SILENCE,
        MALFORMED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind with this {@link #code()}. */
        public static Kind ofCode(String code) {
            for (Kind kind : values()) {
                if (kind.code().equals(code)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException(
                    String.format(
                            "Unknown episode kind '%s', expected burst, drift, silence or"
                                    + " malformed",
                            code));
        }
    }

    /**
     * The key readings are partitioned by, as {@code SensorReading.key()}: {@code
     * site/device/metric}.
     */
    public String key() {
        return site + '/' + device + '/' + metric;
    }
}
