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
 * any device; {@code malformedShare} adds that share of extra malformed messages (relative to the
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
        check(
                malformedShare >= 0 && malformedShare <= 0.5,
                "malformedShare",
                malformedShare,
                "must be between 0 and 0.5");
    }

    public static Builder builder() {
        return new Builder();
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
                    malformedShare,
                    mixedPayloads);
        }
    }
}
