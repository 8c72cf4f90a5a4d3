package io.vigil.tools.simulator;

import java.util.Locale;

/**
 * One injected anomaly, the ground truth a detector is judged against: which pattern of {@code
 * cep-patterns/patterns/examples/fleet-all-types.yaml} ({@link Kind#pattern()}) must fire for which
 * key, from which reading, and at which reading its alert must resolve ({@code resolvesAt}).
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
 *   <li>{@code low} (a fuel level below 10 %): {@code startedAt}/{@code endedAt} are the first and
 *       the last of 3 to 6 consecutive readings below 10 % (at most 100 s apart), {@code events}
 *       their number and {@code peak} the lowest; the readings before and after are at least 25 %.
 *   <li>{@code leak} (a pressure falling steadily): the line is pumped up by 0.2 bar at its first
 *       reading, then falls by 1 to 1.5 bar over 10 to 14 readings, each lower than the one before;
 *       {@code startedAt} is that first reading, {@code endedAt} the earliest reading at least 5
 *       readings later that is 0.8 bar or more below it, {@code events} the readings from one to
 *       the other and {@code peak} the value of the later one (the lowest). The reading after the
 *       fall is back at the ambient level.
 *   <li>{@code rate} (vibration climbing fast): from slot {@code c} on, the vibration climbs by 1.2
 *       to 2 mm/s per reading for 3 to 5 readings and stays at the new level. {@code startedAt} is
 *       the reading 2 minutes (the pattern's {@code over}) before {@code c}, {@code endedAt} the
 *       reading of {@code c}, {@code events} the readings from one to the other and {@code peak}
 *       the value at {@code c}: the first detection. The alert resolves at the first reading whose
 *       2-minute slope starts at the top of the climb.
 *   <li>{@code flatline} (a stuck pressure sensor): 10 to 14 readings with exactly the value of the
 *       first of them, which differs from the reading before; {@code startedAt}/{@code endedAt} are
 *       the first and the last stuck reading, {@code events} their number and {@code peak} the
 *       value. The alert fires at the stretch's {@code min-events}-th reading (which an override
 *       may change) and resolves at the reading after the stretch, which differs.
 *   <li>{@code sequence} (a press hot, then loud): one temperature reading of 82 to 90 °C, then, 5
 *       to 60 s later, 3 to 5 sound readings in a row of 76 to 84 dB (below the 85 dB of the sound
 *       burst); {@code metric} is {@code sound}, the metric of the alert. {@code startedAt} is the
 *       hot reading, {@code endedAt} the third loud one, {@code events} 4 and {@code peak} the
 *       loudest of the three. Every other reading of the press is ambient (temperature at most
 *       about 61 °C, sound at most 70 dB), and the temperature reading before the hot one is 0.5 °C
 *       below the one before it, so that the hot reading is no thermal drift.
 *   <li>{@code malformed}: one extra message that is not a reading; {@code startedAt} and {@code
 *       endedAt} both are its place in the event-time order of the published messages (a dead
 *       letter is stamped with its arrival time, not with this); {@code topic} is where it was
 *       published (for {@code bad-topic} not a valid reading topic), {@code reason} the dead-letter
 *       reason code the parser must give; {@code events} is 1 and {@code peak} NaN.
 * </ul>
 *
 * <p>{@code resolvesAt} is the event time of the reading at which the alert resolves ({@code
 * clear-for} 0): for a burst, a low fuel level, a drift and a leak the first reading after the
 * episode; for a silence the reading that ends it ({@code endedAt}); for a sequence the first sound
 * reading after the loud run; 0 for malformed messages. {@code site}, {@code device}, {@code
 * metric} always name the device the episode belongs to; {@code reason} is {@code null} except for
 * malformed messages.
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
        long resolvesAt,
        String reason) {

    /**
     * The kinds of injected anomaly; {@link #code()} is the name used in the labels file and {@link
     * #pattern()} the pattern that must alert.
     */
    public enum Kind {
        BURST("sound-burst"),
        DRIFT("thermal-drift"),
        SILENCE("sensor-silence"),
        LOW("tank-fuel-low"),
        LEAK("line-pressure-leak"),
        RATE("motor-vibration-rising"),
        FLATLINE("line-pressure-stuck"),
        SEQUENCE("press-hot-then-loud"),
        MALFORMED(null);

        private final String pattern;

        Kind(String pattern) {
            this.pattern = pattern;
        }

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The name of the pattern an episode of this kind must raise an alert of, as {@code
         * fleet-all-types.yaml} (and for the first three {@code default.yaml}) names it; {@code
         * null} for malformed messages, which raise none.
         */
        public String pattern() {
            return pattern;
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
                            "Unknown episode kind '%s', expected burst, drift, silence, low, leak,"
                                    + " rate, flatline, sequence or malformed",
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
