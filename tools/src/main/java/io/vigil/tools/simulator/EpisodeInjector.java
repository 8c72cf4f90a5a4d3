package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * Injects a simulation's episodes into its devices' readings: silences remove readings, drifts and
 * bursts overwrite them. Each episode reserves its slots on one device so that episodes on a device
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
                device.episode(Episode.Kind.SILENCE, start, range[0] - 1, range[1], 0, Double.NaN));
    }

    private void drift(List<SimulatedDevice> pumps, int k) {
        int rising =
                placement.nextInt(
                        FleetSimulation.DRIFT_MIN_READINGS, FleetSimulation.DRIFT_MAX_READINGS + 1);
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
                device.episode(Episode.Kind.DRIFT, start, from, from + rising - 1, rising, peak));
    }

    private void burst(List<SimulatedDevice> mics, int k) {
        int loud =
                placement.nextInt(
                        FleetSimulation.BURST_MIN_READINGS, FleetSimulation.BURST_MAX_READINGS + 1);
        SimulatedDevice device = place(mics, k, d -> loud, "bursts", "microphones");
        int from = device.lastReserved()[0];
        double peak = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < loud; j++) {
            double value =
                    SimulatedDevice.round1(
                            placement.nextDouble(
                                    FleetSimulation.BURST_MIN_DB, FleetSimulation.BURST_MAX_DB));
            device.values[from + j] = value;
            peak = Math.max(peak, value);
        }
        episodes.add(device.episode(Episode.Kind.BURST, start, from, from + loud - 1, loud, peak));
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
            default -> spec.bursts();
        };
    }
}
