package io.vigil.tools.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One sensor of a {@link FleetSimulation}: where it is, what it measures, its sampling grid, its
 * ambient readings (which the {@link EpisodeInjector} then overwrites or removes) and the slots its
 * episodes have reserved.
 */
final class SimulatedDevice {

    final String site;
    final String name;
    final String metric;
    final String unit;
    final long period;
    final long phase;
    final int slots;
    final double level;
    final double swing;
    final long swingPeriod;
    final double swingPhase;
    final SplittableRandom formsRandom;
    final double[] values;
    final boolean[] present;
    final List<int[]> reserved = new ArrayList<>();

    SimulatedDevice(String site, String name, Sensor sensor, SimulationSpec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        this.site = site;
        this.name = name;
        this.metric = sensor.metric;
        this.unit = sensor.unit;
        this.period =
                (sensor == Sensor.SOUND ? spec.soundPeriod() : spec.temperaturePeriod()).toMillis();
        this.phase = random.nextLong(period);
        long span = spec.duration().toMillis();
        this.slots = span <= phase ? 0 : (int) ((span - phase + period - 1) / period);
        this.level = random.nextDouble(sensor.minLevel, sensor.maxLevel);
        this.swing = sensor.swing;
        this.swingPeriod =
                sensor == Sensor.SOUND
                        ? random.nextLong(Duration.ofMinutes(5).toMillis(), minutes(20))
                        : random.nextLong(minutes(60), minutes(120));
        this.swingPhase = random.nextDouble(2 * Math.PI);
        this.formsRandom = new SplittableRandom(random.nextLong());
        this.values = new double[slots];
        this.present = new boolean[slots];
        Arrays.fill(present, true);
        long start = spec.startMillis();
        for (int i = 0; i < slots; i++) {
            double clean = clean(time(start, i) - start);
            values[i] =
                    sensor == Sensor.SOUND
                            ? round1(
                                    clamp(
                                            clean + random.nextGaussian() * 2.5,
                                            FleetSimulation.AMBIENT_SOUND_MIN_DB,
                                            FleetSimulation.AMBIENT_SOUND_MAX_DB))
                            : round(
                                    clean + random.nextDouble(-sensor.noise, sensor.noise),
                                    sensor.decimals);
            if (sensor == Sensor.PRESSURE && i > 0) {
                values[i] = differentFrom(values[i - 1], values[i]);
            }
        }
    }

    /**
     * What a sensor measures and its ambient readings: a device level drawn in {@code [minLevel,
     * maxLevel)}, a slow swing of {@code ±swing} and uniform noise of {@code ±noise} (sound:
     * Gaussian, see {@link FleetSimulation}), rounded to {@code decimals}.
     */
    enum Sensor {
        SOUND("sound", "dB", 50.0, 60.0, 4.0, 0, 1),
        TEMPERATURE(
                "temperature",
                "C",
                35.0,
                60.0,
                FleetSimulation.TEMPERATURE_CYCLE_AMPLITUDE,
                FleetSimulation.TEMPERATURE_NOISE,
                2),
        /** A fuel level in %, 30 to 90. */
        FUEL_LEVEL("fuel-level", "%", 30.0, 90.0, 2.0, 0.3, 1),
        /** A line pressure in bar, 4 to 6, never twice the same value in a row. */
        PRESSURE("pressure", "bar", 4.0, 6.0, 0.05, 0.02, 3),
        /** A vibration RMS in mm/s, 1.5 to 3. */
        VIBRATION("vibration", "mm/s", 1.5, 3.0, 0.05, 0.02, 2);

        final String metric;
        final String unit;
        final double minLevel;
        final double maxLevel;
        final double swing;
        final double noise;
        final int decimals;

        Sensor(
                String metric,
                String unit,
                double minLevel,
                double maxLevel,
                double swing,
                double noise,
                int decimals) {
            this.metric = metric;
            this.unit = unit;
            this.minLevel = minLevel;
            this.maxLevel = maxLevel;
            this.swing = swing;
            this.noise = noise;
            this.decimals = decimals;
        }
    }

    /** {@code value}, or 0.001 more when it equals {@code previous} (three decimals). */
    static double differentFrom(double previous, double value) {
        return value == previous ? round3(value + 0.001) : value;
    }

    boolean isSound() {
        return "sound".equals(metric);
    }

    long time(long start, int slot) {
        return start + phase + slot * period;
    }

    /** The noise-free ambient value at this offset from the start. */
    double clean(long offset) {
        return level + swing * StrictMath.sin(2 * Math.PI * offset / swingPeriod + swingPhase);
    }

    int slotsOf(Duration duration) {
        return (int) ((duration.toMillis() + period - 1) / period);
    }

    String topic() {
        return "sensors/" + site + '/' + name + '/' + metric;
    }

    /** True when slots {@code [from, to)} fit inside the edges and clear of other episodes. */
    boolean isFree(int from, int to) {
        int edge = slotsOf(FleetSimulation.EDGE);
        if (from < edge || to > slots - edge) {
            return false;
        }
        int gap = slotsOf(FleetSimulation.EPISODE_GAP);
        for (int[] range : reserved) {
            if (from < range[1] + gap && range[0] < to + gap) {
                return false;
            }
        }
        return true;
    }

    /** The slots reserved last, {@code [from, to)}. */
    int[] lastReserved() {
        return reserved.get(reserved.size() - 1);
    }

    boolean allPresent(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!present[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * An episode on this device from the reading in slot {@code from} to the one in {@code to},
     * resolving at the time {@code resolvesAt}.
     */
    Episode episode(
            Episode.Kind kind,
            long start,
            int from,
            int to,
            int events,
            double peak,
            long resolvesAt) {
        return new Episode(
                kind,
                site,
                name,
                metric,
                topic(),
                time(start, from),
                time(start, to),
                events,
                peak,
                resolvesAt,
                null);
    }

    static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static double round(double value, int decimals) {
        return switch (decimals) {
            case 1 -> round1(value);
            case 2 -> round2(value);
            default -> round3(value);
        };
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static long minutes(long minutes) {
        return Duration.ofMinutes(minutes).toMillis();
    }
}
