package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import java.util.stream.DoubleStream;

/**
 * Injects a simulation's episodes into its devices' readings: silences remove readings, the other
 * kinds overwrite them. Each episode reserves its slots on one device so that episodes on a device
 * keep {@link FleetSimulation#EPISODE_GAP} apart and {@link FleetSimulation#EDGE} from either end.
 */
final class EpisodeInjector {

    private static final int PLACEMENT_TRIES_PER_DEVICE = 40;

    private final SimulationSpec spec;
    private final long start;
    private final SplittableRandom placement;
    private final List<Episode> episodes;

    /**
     * @param placement the random source of every placement, used in a fixed order
     * @param episodes where each injected episode is added
     */
    EpisodeInjector(SimulationSpec spec, SplittableRandom placement, List<Episode> episodes) {
        this.spec = spec;
        this.start = spec.startMillis();
        this.placement = placement;
        this.episodes = episodes;
    }

    /** Injects the spec's episodes, the longest first while the timeline is still empty. */
    void injectAll(List<SimulatedDevice> devices) {
        List<SimulatedDevice> mics = devices.stream().filter(SimulatedDevice::isSound).toList();
        List<SimulatedDevice> pumps = devices.stream().filter(d -> !d.isSound()).toList();
        for (int k = 0; k < spec.silences(); k++) {
            silence(devices, k);
        }
        for (int k = 0; k < spec.drifts(); k++) {
            drift(pumps, k);
        }
        for (int k = 0; k < spec.bursts(); k++) {
            burst(mics, k);
        }
    }

    /**
     * Injects the episodes of the machines: fuel levels on tanks, leaks and stuck sensors on lines,
     * fast rises on motors, hot-then-loud on presses (their temperature sensors; {@code
     * pressSounds} maps each to the press's sound sensor).
     */
    void injectMachines(
            List<SimulatedDevice> tanks,
            List<SimulatedDevice> lines,
            List<SimulatedDevice> motors,
            List<SimulatedDevice> presses,
            Map<SimulatedDevice, SimulatedDevice> pressSounds) {
        // A climb raises every later reading of its motor: the episodes are read off once all
        // climbs are in.
        List<Runnable> rateEpisodes = new ArrayList<>();
        for (int k = 0; k < spec.rates(); k++) {
            rateEpisodes.add(rate(motors, k));
        }
        rateEpisodes.forEach(Runnable::run);
        for (int k = 0; k < spec.leaks(); k++) {
            leak(lines, k);
        }
        for (int k = 0; k < spec.flatlines(); k++) {
            flatline(lines, k);
        }
        for (int k = 0; k < spec.sequences(); k++) {
            sequence(presses, pressSounds, k);
        }
        for (int k = 0; k < spec.lows(); k++) {
            low(tanks, k);
        }
    }

    private void silence(List<SimulatedDevice> devices, int k) {
        long gap =
                placement.nextLong(
                        FleetSimulation.SILENCE_MIN.toMillis(),
                        FleetSimulation.SILENCE_MAX.toMillis() + 1);
        SimulatedDevice device =
                place(devices, k, d -> (int) Math.max(1, gap / d.period), "silences", "devices");
        int[] range = device.lastReserved();
        for (int i = range[0]; i < range[1]; i++) {
            device.present[i] = false;
        }
        episodes.add(
                device.episode(
                        Episode.Kind.SILENCE,
                        start,
                        range[0] - 1,
                        range[1],
                        0,
                        Double.NaN,
                        device.time(start, range[1])));
    }

    private void drift(List<SimulatedDevice> pumps, int k) {
        int rising = length(FleetSimulation.DRIFT_MIN_READINGS, FleetSimulation.DRIFT_MAX_READINGS);
        double rise =
                placement.nextDouble(
                        FleetSimulation.DRIFT_MIN_RISE, FleetSimulation.DRIFT_MAX_RISE);
        int coolDown = (int) Math.ceil(rise / FleetSimulation.COOL_DOWN_STEP);
        SimulatedDevice device = place(pumps, k, d -> rising + coolDown, "drifts", "pump devices");
        int from = device.lastReserved()[0];
        double base = device.clean(device.time(start, from) - start);
        double peak = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < rising; j++) {
            double value =
                    SimulatedDevice.round2(
                            base
                                    + rise * j / (rising - 1)
                                    + placement.nextDouble(
                                            -FleetSimulation.DRIFT_NOISE,
                                            FleetSimulation.DRIFT_NOISE));
            device.values[from + j] = value;
            peak = Math.max(peak, value);
        }
        for (int j = 0; j < coolDown; j++) {
            device.values[from + rising + j] =
                    SimulatedDevice.round2(base + rise - FleetSimulation.COOL_DOWN_STEP * (j + 1));
        }
        episodes.add(
                device.episode(
                        Episode.Kind.DRIFT,
                        start,
                        from,
                        from + rising - 1,
                        rising,
                        peak,
                        device.time(start, from + rising)));
    }

    private void burst(List<SimulatedDevice> mics, int k) {
        randomRun(
                mics,
                k,
                Episode.Kind.BURST,
                FleetSimulation.BURST_MIN_READINGS,
                FleetSimulation.BURST_MAX_READINGS,
                FleetSimulation.BURST_MIN_DB,
                FleetSimulation.BURST_MAX_DB,
                "bursts",
                "microphones");
    }

    private void low(List<SimulatedDevice> tanks, int k) {
        randomRun(
                tanks,
                k,
                Episode.Kind.LOW,
                FleetSimulation.LOW_MIN_READINGS,
                FleetSimulation.LOW_MAX_READINGS,
                FleetSimulation.LOW_MIN_LEVEL,
                FleetSimulation.LOW_MAX_LEVEL,
                "lows",
                "tanks");
    }

    /**
     * Overwrites the {@code k}-th episode of a kind, a run of {@code minReadings} to {@code
     * maxReadings} readings on one of the candidates, with values drawn between {@code minValue}
     * and {@code maxValue}; the episode's value is the run's highest, of a {@code LOW} its lowest.
     */
    private void randomRun(
            List<SimulatedDevice> candidates,
            int k,
            Episode.Kind kind,
            int minReadings,
            int maxReadings,
            double minValue,
            double maxValue,
            String what,
            String devicesName) {
        int length = length(minReadings, maxReadings);
        SimulatedDevice device = place(candidates, k, d -> length, what, devicesName);
        int from = device.lastReserved()[0];
        fillRandom(device, from, length, minValue, maxValue);
        DoubleStream run = Arrays.stream(device.values, from, from + length);
        double extreme =
                kind == Episode.Kind.LOW ? run.min().orElseThrow() : run.max().orElseThrow();
        episodes.add(
                device.episode(
                        kind,
                        start,
                        from,
                        from + length - 1,
                        length,
                        extreme,
                        device.time(start, from + length)));
    }

    /**
     * Overwrites {@code count} readings from slot {@code from} with values drawn between {@code
     * min} and {@code max}, to one decimal.
     */
    /** Draws an episode's length, {@code min} to {@code max} readings. */
    private int length(int min, int max) {
        return placement.nextInt(min, max + 1);
    }

    private void fillRandom(SimulatedDevice device, int from, int count, double min, double max) {
        for (int j = 0; j < count; j++) {
            device.values[from + j] = SimulatedDevice.round1(placement.nextDouble(min, max));
        }
    }

    private void leak(List<SimulatedDevice> lines, int k) {
        int falling = length(FleetSimulation.LEAK_MIN_READINGS, FleetSimulation.LEAK_MAX_READINGS);
        double fall =
                placement.nextDouble(FleetSimulation.LEAK_MIN_FALL, FleetSimulation.LEAK_MAX_FALL);
        SimulatedDevice line = place(lines, k, d -> falling, "leaks", "lines");
        int from = line.lastReserved()[0];
        for (int j = 0; j < falling; j++) {
            line.values[from + j] =
                    SimulatedDevice.round3(
                            line.values[from + j]
                                    + FleetSimulation.LEAK_PUMP_UP
                                    - fall * j / (falling - 1));
        }
        // The detection: the earliest reading that completes a run from the first one.
        int to = from + FleetSimulation.LEAK_PATTERN_MIN_EVENTS - 1;
        while (line.values[from] - line.values[to] < FleetSimulation.LEAK_PATTERN_MIN_FALL) {
            to++;
        }
        episodes.add(
                line.episode(
                        Episode.Kind.LEAK,
                        start,
                        from,
                        to,
                        to - from + 1,
                        line.values[to],
                        line.time(start, from + falling)));
    }

    /** Injects a climb; returns what adds its episode. */
    private Runnable rate(List<SimulatedDevice> motors, int k) {
        int climbing = length(FleetSimulation.RATE_MIN_READINGS, FleetSimulation.RATE_MAX_READINGS);
        double step =
                placement.nextDouble(FleetSimulation.RATE_MIN_STEP, FleetSimulation.RATE_MAX_STEP);
        // A slope is measured from the reading this many slots back.
        ToIntFunction<SimulatedDevice> back =
                d -> (int) (FleetSimulation.RATE_PATTERN_OVER.toMillis() / d.period);
        SimulatedDevice motor =
                place(motors, k, d -> 2 * back.applyAsInt(d) + climbing, "rates", "motors");
        int over = back.applyAsInt(motor);
        int from = motor.lastReserved()[0] + over;
        for (int i = from; i < motor.slots; i++) {
            motor.values[i] =
                    SimulatedDevice.round2(
                            motor.values[i] + step * Math.min(i - from + 1, climbing));
        }
        return () ->
                episodes.add(
                        motor.episode(
                                Episode.Kind.RATE,
                                start,
                                from - over,
                                from,
                                over + 1,
                                motor.values[from],
                                motor.time(start, from + climbing - 1 + over)));
    }

    private void flatline(List<SimulatedDevice> lines, int k) {
        int stuck =
                length(
                        FleetSimulation.FLATLINE_MIN_READINGS,
                        FleetSimulation.FLATLINE_MAX_READINGS);
        SimulatedDevice line = place(lines, k, d -> stuck + 1, "flatlines", "lines");
        int from = line.lastReserved()[0];
        double value = line.values[from];
        for (int j = 1; j < stuck; j++) {
            line.values[from + j] = value;
        }
        line.values[from + stuck] = SimulatedDevice.differentFrom(value, line.values[from + stuck]);
        episodes.add(
                line.episode(
                        Episode.Kind.FLATLINE,
                        start,
                        from,
                        from + stuck - 1,
                        stuck,
                        value,
                        line.time(start, from + stuck)));
    }

    private void sequence(
            List<SimulatedDevice> presses, Map<SimulatedDevice, SimulatedDevice> sounds, int k) {
        long delay =
                placement.nextLong(
                        FleetSimulation.SEQUENCE_MIN_DELAY.toMillis(),
                        FleetSimulation.SEQUENCE_MAX_DELAY.toMillis() + 1);
        int loud = length(FleetSimulation.SEQUENCE_MIN_LOUD, FleetSimulation.SEQUENCE_MAX_LOUD);
        // Two readings before the hot one, then the press's temperature slots until its sound is
        // back to ambient.
        Duration span = FleetSimulation.SEQUENCE_MAX_DELAY.plusSeconds(20);
        SimulatedDevice press = place(presses, k, d -> 2 + d.slotsOf(span), "sequences", "presses");
        int hot = press.lastReserved()[0] + 2;
        press.values[hot - 1] =
                SimulatedDevice.round2(
                        press.values[hot - 2] - FleetSimulation.SEQUENCE_BREAK_BEFORE_HOT);
        press.values[hot] =
                SimulatedDevice.round1(
                        placement.nextDouble(
                                FleetSimulation.SEQUENCE_MIN_HOT,
                                FleetSimulation.SEQUENCE_MAX_HOT));
        SimulatedDevice sound = sounds.get(press);
        long hotAt = press.time(start, hot);
        // The first sound reading at least the delay after the hot one.
        int from = (int) ((hotAt + delay - start - sound.phase + sound.period - 1) / sound.period);
        fillRandom(
                sound,
                from,
                loud,
                FleetSimulation.SEQUENCE_MIN_LOUD_DB,
                FleetSimulation.SEQUENCE_MAX_LOUD_DB);
        int last = from + FleetSimulation.SEQUENCE_PATTERN_LOUD_EVENTS - 1;
        double peak = Arrays.stream(sound.values, from, last + 1).max().orElseThrow();
        episodes.add(
                new Episode(
                        Episode.Kind.SEQUENCE,
                        sound.site,
                        sound.name,
                        sound.metric,
                        sound.topic(),
                        hotAt,
                        sound.time(start, last),
                        1 + FleetSimulation.SEQUENCE_PATTERN_LOUD_EVENTS,
                        peak,
                        sound.time(start, from + loud),
                        null));
    }

    /**
     * Reserves slots for the {@code k}-th episode of a kind on one of the candidates, starting with
     * a different device for each episode so that they spread over the fleet.
     */
    private SimulatedDevice place(
            List<SimulatedDevice> candidates,
            int k,
            ToIntFunction<SimulatedDevice> length,
            String what,
            String devicesName) {
        for (int c = 0; c < candidates.size(); c++) {
            SimulatedDevice device = candidates.get((k + c) % candidates.size());
            int slots = length.applyAsInt(device);
            int latest = device.slots - device.slotsOf(FleetSimulation.EDGE) - slots;
            int earliest = device.slotsOf(FleetSimulation.EDGE);
            for (int t = 0; t < PLACEMENT_TRIES_PER_DEVICE && latest >= earliest; t++) {
                int from = placement.nextInt(earliest, latest + 1);
                if (device.isFree(from, from + slots)) {
                    device.reserved.add(new int[] {from, from + slots});
                    return device;
                }
            }
        }
        throw new IllegalArgumentException(
                String.format(
                        "Cannot place %d %s on %d %s in %s: episodes on one device need %s"
                                + " between them and %s from either end; ask for fewer %s,"
                                + " more devices or a longer duration",
                        countOf(what),
                        what,
                        candidates.size(),
                        devicesName,
                        Durations.format(spec.duration()),
                        Durations.format(FleetSimulation.EPISODE_GAP),
                        Durations.format(FleetSimulation.EDGE),
                        what));
    }

    private int countOf(String what) {
        return switch (what) {
            case "silences" -> spec.silences();
            case "drifts" -> spec.drifts();
            case "lows" -> spec.lows();
            case "leaks" -> spec.leaks();
            case "rates" -> spec.rates();
            case "flatlines" -> spec.flatlines();
            case "sequences" -> spec.sequences();
            default -> spec.bursts();
        };
    }
}
