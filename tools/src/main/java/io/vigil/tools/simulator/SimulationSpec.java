package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import java.time.Duration;
import java.time.Instant;

/**
 * What {@link FleetSimulation} generates: the fleet's shape, the event-time span, the sampling
 * periods, the seed and the anomalies to inject.
 *
 * <p>Each site has {@code devicesPerSite} devices, alternately a microphone ({@code mic-01}, metric
 * {@code sound}) and a pump ({@code pump-01}, metric {@code temperature}). Sites are named {@code
 * plant-a}, {@code plant-b}, ... Bursts are injected on microphones, drifts on pumps, silences on
 * any of those devices. Only when one of the kinds of {@code fleet-all-types.yaml} is asked for
 * ({@code lows}, {@code leaks}, {@code rates}, {@code flatlines}, {@code sequences}, all 0 by
 * default) each site also has, for every two of its devices, one tank ({@code tank-NN}, metric
 * {@code fuel-level}, where fuel levels drop), one line ({@code line-NN}, {@code pressure}: leaks
 * and stuck sensors), one motor ({@code motor-NN}, {@code vibration}: fast rises) and one press
 * ({@code press-NN}, {@code temperature} and {@code sound}: hot, then loud), each sampled at the
 * temperature period (the press's sound at the sound period), which must then be at least {@value
 * #MIN_MACHINE_PERIOD_SECONDS} s; a fleet without them is the same, reading for reading, as before
 * they existed. {@code malformedShare} adds that share of extra malformed messages (relative to the
 * number of valid messages). With {@code mixedPayloads} some readings are sent as batches (JSON
 * arrays), with ISO-8601 times or as SenML; otherwise every reading is a plain {@code {"ts",
 * "value", "unit"}} object. Every form carries the event time; bare numbers are never used, since
 * they take the arrival time.
 *
 * <pre>{@code
 * SimulationSpec spec = SimulationSpec.builder()
 *         .setDevicesPerSite(20)
 *         .setDuration(Duration.ofMinutes(10))
 *         .setSeed(7)
 *         .setBursts(5)
 *         .build();
 * }</pre>
 */
public record SimulationSpec(
        int sites,
        int devicesPerSite,
        long startMillis,
        Duration duration,
        Duration soundPeriod,
        Duration temperaturePeriod,
        long seed,
        int bursts,
        int drifts,
        int silences,
        int lows,
        int leaks,
        int rates,
        int flatlines,
        int sequences,
        double malformedShare,
        boolean mixedPayloads) {

    /** The default event-time start, 2025-11-28T08:00:00Z, so that tests are reproducible. */
    public static final long DEFAULT_START_MILLIS =
            Instant.parse("2025-11-28T08:00:00Z").toEpochMilli();

    /** A burst of up to 6 readings must span at most the burst pattern's 10 s. */
    static final Duration MAX_SOUND_PERIOD = Duration.ofSeconds(2);

    /** A drift of up to 28 readings must span at most the drift pattern's 10 min. */
    static final Duration MAX_TEMPERATURE_PERIOD = Duration.ofSeconds(20);

    static final Duration MIN_PERIOD = Duration.ofMillis(100);

    /**
     * With machines, the temperature period is at least this: a vibration rate is measured over at
     * least 3 readings, and ambient noise over less than 10 s could look steep.
     */
    static final int MIN_MACHINE_PERIOD_SECONDS = 5;

    public SimulationSpec {
        check(sites >= 1, "sites", sites, "must be at least 1");
        check(devicesPerSite >= 1, "devicesPerSite", devicesPerSite, "must be at least 1");
        check(startMillis >= 0, "startMillis", startMillis, "must not be before 1970");
        check(
                duration != null && !duration.isNegative() && !duration.isZero(),
                "duration",
                duration,
                "must be positive");
        checkPeriod("soundPeriod", soundPeriod, MAX_SOUND_PERIOD);
        checkPeriod("temperaturePeriod", temperaturePeriod, MAX_TEMPERATURE_PERIOD);
        check(bursts >= 0, "bursts", bursts, "must not be negative");
        check(drifts >= 0, "drifts", drifts, "must not be negative");
        check(silences >= 0, "silences", silences, "must not be negative");
        check(lows >= 0, "lows", lows, "must not be negative");
        check(leaks >= 0, "leaks", leaks, "must not be negative");
        check(rates >= 0, "rates", rates, "must not be negative");
        check(flatlines >= 0, "flatlines", flatlines, "must not be negative");
        check(sequences >= 0, "sequences", sequences, "must not be negative");
        check(
                lows + leaks + rates + flatlines + sequences == 0
                        || temperaturePeriod.toSeconds() >= MIN_MACHINE_PERIOD_SECONDS,
                "temperaturePeriod",
                Durations.format(temperaturePeriod),
                "must be at least "
                        + MIN_MACHINE_PERIOD_SECONDS
                        + "s with lows, leaks, rates, flatlines or sequences");
        check(
                malformedShare >= 0 && malformedShare <= 0.5,
                "malformedShare",
                malformedShare,
                "must be between 0 and 0.5");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether the fleet has tanks, lines, motors and presses: one of their episodes is asked for.
     */
    public boolean hasMachines() {
        return lows + leaks + rates + flatlines + sequences > 0;
    }

    /** The first instant after the simulated span. */
    public long endMillis() {
        return startMillis + duration.toMillis();
    }

    /** The same simulation moved to another event-time start. */
    public SimulationSpec withStartMillis(long newStartMillis) {
        return toBuilder().setStartMillis(newStartMillis).build();
    }

    /** A builder holding this spec's settings. */
    private Builder toBuilder() {
        return builder()
                .setSites(sites)
                .setDevicesPerSite(devicesPerSite)
                .setStartMillis(startMillis)
                .setDuration(duration)
                .setSoundPeriod(soundPeriod)
                .setTemperaturePeriod(temperaturePeriod)
                .setSeed(seed)
                .setBursts(bursts)
                .setDrifts(drifts)
                .setSilences(silences)
                .setLows(lows)
                .setLeaks(leaks)
                .setRates(rates)
                .setFlatlines(flatlines)
                .setSequences(sequences)
                .setMalformedShare(malformedShare)
                .setMixedPayloads(mixedPayloads);
    }

    private static void checkPeriod(String setting, Duration period, Duration max) {
        check(
                period != null && period.compareTo(MIN_PERIOD) >= 0 && period.compareTo(max) <= 0,
                setting,
                period == null ? null : Durations.format(period),
                String.format(
                        "must be between %s and %s",
                        Durations.format(MIN_PERIOD), Durations.format(max)));
    }

    private static void check(boolean condition, String setting, Object value, String rule) {
        if (!condition) {
            throw new IllegalArgumentException(
                    String.format("Simulation %s %s, was %s", setting, rule, value));
        }
    }

    /** Builds a {@link SimulationSpec}; the defaults are those of {@link SimulatorOptions}. */
    public static final class Builder {
        private int sites = SimulatorOptions.SITES.defaultValue();
        private int devicesPerSite = SimulatorOptions.DEVICES.defaultValue();
        private long startMillis = DEFAULT_START_MILLIS;
        private Duration duration = SimulatorOptions.DURATION.defaultValue();
        private Duration soundPeriod = SimulatorOptions.SOUND_PERIOD.defaultValue();
        private Duration temperaturePeriod = SimulatorOptions.TEMPERATURE_PERIOD.defaultValue();
        private long seed = SimulatorOptions.SEED.defaultValue();
        private int bursts = SimulatorOptions.BURSTS.defaultValue();
        private int drifts = SimulatorOptions.DRIFTS.defaultValue();
        private int silences = SimulatorOptions.SILENCES.defaultValue();
        private int lows;
        private int leaks;
        private int rates;
        private int flatlines;
        private int sequences;
        private double malformedShare = SimulatorOptions.MALFORMED_SHARE.defaultValue();
        private boolean mixedPayloads = SimulatorOptions.MIXED_PAYLOADS.defaultValue();

        private Builder() {}

        public Builder setSites(int sites) {
            this.sites = sites;
            return this;
        }

        public Builder setDevicesPerSite(int devicesPerSite) {
            this.devicesPerSite = devicesPerSite;
            return this;
        }

        /** The event time of the simulation's start, epoch milliseconds. */
        public Builder setStartMillis(long startMillis) {
            this.startMillis = startMillis;
            return this;
        }

        public Builder setDuration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder setSoundPeriod(Duration soundPeriod) {
            this.soundPeriod = soundPeriod;
            return this;
        }

        public Builder setTemperaturePeriod(Duration temperaturePeriod) {
            this.temperaturePeriod = temperaturePeriod;
            return this;
        }

        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder setBursts(int bursts) {
            this.bursts = bursts;
            return this;
        }

        public Builder setDrifts(int drifts) {
            this.drifts = drifts;
            return this;
        }

        public Builder setSilences(int silences) {
            this.silences = silences;
            return this;
        }

        /** Fuel levels dropping below 10 % (on tanks). */
        public Builder setLows(int lows) {
            this.lows = lows;
            return this;
        }

        /** Pressures falling steadily (on lines). */
        public Builder setLeaks(int leaks) {
            this.leaks = leaks;
            return this;
        }

        /** Vibrations climbing fast (on motors). */
        public Builder setRates(int rates) {
            this.rates = rates;
            return this;
        }

        /** Stuck pressure sensors (on lines). */
        public Builder setFlatlines(int flatlines) {
            this.flatlines = flatlines;
            return this;
        }

        /** Presses running hot, then loud (on presses). */
        public Builder setSequences(int sequences) {
            this.sequences = sequences;
            return this;
        }

        /** Extra malformed messages, as a share of the valid messages (0.01 = 1 %). */
        public Builder setMalformedShare(double malformedShare) {
            this.malformedShare = malformedShare;
            return this;
        }

        public Builder setMixedPayloads(boolean mixedPayloads) {
            this.mixedPayloads = mixedPayloads;
            return this;
        }

        public SimulationSpec build() {
            return new SimulationSpec(
                    sites,
                    devicesPerSite,
                    startMillis,
                    duration,
                    soundPeriod,
                    temperaturePeriod,
                    seed,
                    bursts,
                    drifts,
                    silences,
                    lows,
                    leaks,
                    rates,
                    flatlines,
                    sequences,
                    malformedShare,
                    mixedPayloads);
        }
    }
}
