package io.vigil.tools.demo;

import io.vigil.cep.config.Durations;
import io.vigil.tools.simulator.Episode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.MqttFleetPublisher;
import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The demo's simulated fleet: which simulation it runs and the thread that publishes it.
 *
 * <p>The fleet's episodes (bursts, drifts, silences) never start in the first 30 s of a simulation.
 * So that the first alert comes soon, the demo takes the first seed whose first burst starts within
 * {@link #EARLY_BURST} and anchors the simulation that far in the past, less {@link
 * #FIRST_BURST_LEAD}: the readings of that past go out at once, the rest in real time.
 */
final class DemoFleet {

    static final Duration EARLY_BURST = Duration.ofSeconds(50);
    static final Duration FIRST_BURST_LEAD = Duration.ofSeconds(5);
    static final int SEED_TRIES = 50;
    static final Duration STATUS_INTERVAL = Duration.ofSeconds(30);

    private final SimulationSpec spec;
    private final long firstBurst;

    DemoFleet(DemoSettings settings) {
        this.spec = chooseSpec(settings);
        this.firstBurst = firstBurstOffset(FleetSimulation.generate(spec));
    }

    /**
     * The simulation: devices spread over sites of up to 10, about one burst per 30 s, one drift
     * per 3 min and one silence per 5 min (fewer where they would not fit), from 10 minutes on also
     * one episode of each kind of {@code fleet-all-types.yaml} per 5 min (a fuel level, a leak, a
     * vibration rate, a stuck sensor, a press hot then loud, on the tanks, lines, motors and
     * presses they add), and the first seed from {@code --seed} on whose first burst starts within
     * {@link #EARLY_BURST}.
     */
    static SimulationSpec chooseSpec(DemoSettings settings) {
        int sites = (settings.devices() + 9) / 10;
        int perSite = (settings.devices() + sites - 1) / sites;
        int mics = sites * ((perSite + 1) / 2);
        int pumps = sites * (perSite / 2);
        long seconds = settings.duration().toSeconds();
        long usable = Math.max(0, seconds - 60);
        SimulationSpec.Builder base =
                SimulationSpec.builder()
                        .setSites(sites)
                        .setDevicesPerSite(perSite)
                        .setDuration(settings.duration())
                        .setBursts((int) Math.max(1, Math.min(seconds / 30, mics * usable / 150)))
                        .setDrifts((int) Math.min(seconds / 180, pumps * usable / 600))
                        .setSilences(
                                (int) Math.min(seconds / 300, sites * perSite * usable / 1200));
        // From 10 min on (a vibration rate needs more than 5 min of its motor's readings), about
        // one episode of each of these kinds per 5 min, at most one per machine and 10 min.
        int machines = sites * ((perSite + 1) / 2);
        int each = seconds < 600 ? 0 : (int) Math.min(seconds / 300, machines * usable / 600);
        base.setLows(each).setLeaks(each).setRates(each).setFlatlines(each).setSequences(each);
        SimulationSpec first = null;
        for (int i = 0; i < SEED_TRIES; i++) {
            SimulationSpec candidate = base.setSeed(settings.seed() + i).build();
            if (first == null) {
                first = candidate;
            }
            if (firstBurstOffset(FleetSimulation.generate(candidate)) <= EARLY_BURST.toMillis()) {
                return candidate;
            }
        }
        return first;
    }

    /** Milliseconds from the simulation's start to its first burst. */
    static long firstBurstOffset(FleetSimulation simulation) {
        return simulation.episodes(Episode.Kind.BURST).stream()
                .mapToLong(e -> e.startedAt() - simulation.spec().startMillis())
                .min()
                .orElse(Long.MAX_VALUE);
    }

    /**
     * Publishes the simulation on a daemon thread of its own: the part before now at once, the rest
     * in real time, with a status line every {@link #STATUS_INTERVAL}.
     *
     * @param stopping true once the demo stops, when a publishing error is expected
     */
    Thread start(String brokerUri, DemoConsole console, PrintStream err, BooleanSupplier stopping) {
        long backfill = Math.max(0, firstBurst - FIRST_BURST_LEAD.toMillis());
        long now = System.currentTimeMillis();
        List<SimulatedMessage> messages =
                FleetSimulation.generate(spec.withStartMillis(now - backfill)).messages();
        int split = 0;
        while (split < messages.size() && messages.get(split).eventTime() < now) {
            split++;
        }
        List<SimulatedMessage> past = messages.subList(0, split);
        List<SimulatedMessage> live = messages.subList(split, messages.size());
        console.say(
                "Simulated fleet: %d devices on %d sites, seed %d, %s; %d bursts, %d drifts, %d"
                        + " silences, about 1%% malformed messages%s",
                spec.sites() * spec.devicesPerSite(),
                spec.sites(),
                spec.seed(),
                Durations.format(spec.duration()),
                spec.bursts(),
                spec.drifts(),
                spec.silences(),
                spec.hasMachines()
                        ? String.format(
                                "; tanks, lines, motors and presses with %d fuel levels low, %d"
                                        + " leaks, %d vibration rates, %d stuck sensors, %d hot"
                                        + " then loud",
                                spec.lows(),
                                spec.leaks(),
                                spec.rates(),
                                spec.flatlines(),
                                spec.sequences())
                        : "");
        PrintStream status = console.prefixed("fleet: ");
        Thread thread =
                new Thread(
                        () -> {
                            try {
                                publisher(brokerUri, Pacing.unlimited(), null).publish(past);
                                publisher(brokerUri, Pacing.realTime(), status).publish(live);
                                console.say(
                                        "The simulated fleet has finished; the job keeps"
                                                + " running until Ctrl-C.");
                            } catch (RuntimeException e) {
                                if (!stopping.getAsBoolean()) {
                                    err.println("vigil demo: the simulator stopped: " + e);
                                }
                            }
                        },
                        "vigil-demo-fleet");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static MqttFleetPublisher publisher(
            String brokerUri, Pacing pacing, PrintStream progress) {
        return MqttFleetPublisher.builder()
                .setBrokerUri(brokerUri)
                .setClientId("vigil-demo-fleet")
                .setMqttVersion(3)
                .setQos(1)
                .setPacing(pacing)
                .setProgress(progress)
                .setProgressInterval(STATUS_INTERVAL)
                .setAckTimeout(Duration.ofSeconds(5))
                .build();
    }
}
