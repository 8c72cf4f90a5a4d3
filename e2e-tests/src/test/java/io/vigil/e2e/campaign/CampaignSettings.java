package io.vigil.e2e.campaign;

import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The size and faults of one fault campaign, from system properties ({@code vigil.campaign.*}),
 * with defaults small enough for the normal suite; the Maven profile {@code campaign} of {@code
 * e2e-tests} sets the full size.
 *
 * @param seed seeds the simulated fleet and the fault plan
 * @param keys at least this many keys (devices of one metric each)
 * @param readings at least this many readings
 * @param taskManagerKills SIGKILLs of a TaskManager; the first right after a checkpoint completes
 * @param influxDbOutage how long InfluxDB is stopped
 * @param parallelism the job's parallelism before the rescale
 * @param rescaleTo its parallelism after the rescale
 * @param results where the figures go
 */
record CampaignSettings(
        long seed,
        int keys,
        int readings,
        int taskManagerKills,
        Duration influxDbOutage,
        int parallelism,
        int rescaleTo,
        Path results) {

    /** Devices per site of the simulator; more keys means more sites. */
    private static final int DEVICES_PER_SITE = 1000;

    private static final Duration SOUND_PERIOD = Duration.ofSeconds(2);
    private static final Duration TEMPERATURE_PERIOD = Duration.ofSeconds(5);

    /** A silence (up to 270 s) fits, with 30 s of edge at either end. */
    private static final Duration MIN_DURATION = Duration.ofMinutes(6);

    CampaignSettings {
        if (keys < 10 || readings < 1 || taskManagerKills < 1 || parallelism < 1) {
            throw new IllegalArgumentException(
                    "A campaign needs at least 10 keys, 1 reading, 1 TaskManager kill and"
                            + " parallelism 1");
        }
        if (rescaleTo == parallelism || rescaleTo < 1) {
            throw new IllegalArgumentException(
                    "vigil.campaign.rescale-to must be another parallelism than " + parallelism);
        }
    }

    static CampaignSettings fromSystemProperties() {
        return new CampaignSettings(
                Long.getLong("vigil.campaign.seed", 20261205L),
                Integer.getInteger("vigil.campaign.keys", 40),
                Integer.getInteger("vigil.campaign.readings", 5_000),
                Integer.getInteger("vigil.campaign.taskmanager-kills", 1),
                Duration.ofSeconds(Long.getLong("vigil.campaign.influxdb-outage-seconds", 5L)),
                Integer.getInteger("vigil.campaign.parallelism", 2),
                Integer.getInteger("vigil.campaign.rescale-to", 3),
                Path.of(
                        System.getProperty(
                                "vigil.campaign.results", "target/campaign/campaign.txt")));
    }

    /**
     * The fleet: {@code keys} devices, alternately microphones (a reading every 2 s) and pumps
     * (every 5 s), on sites of up to 1 000 devices, for whole minutes until it has {@code readings}
     * readings; bursts, drifts, silences and 0.2 % malformed messages in proportion to the keys.
     */
    FleetSimulation simulate() {
        int sites = (keys + DEVICES_PER_SITE - 1) / DEVICES_PER_SITE;
        int devicesPerSite = (keys + sites - 1) / sites;
        double perSecond =
                sites
                        * devicesPerSite
                        / 2.0
                        * (1000.0 / SOUND_PERIOD.toMillis()
                                + 1000.0 / TEMPERATURE_PERIOD.toMillis());
        long minutes = Math.max(MIN_DURATION.toMinutes(), (long) (readings / perSecond / 60) + 1);
        while (true) {
            FleetSimulation simulation =
                    FleetSimulation.generate(
                            SimulationSpec.builder()
                                    .setSites(sites)
                                    .setDevicesPerSite(devicesPerSite)
                                    .setDuration(Duration.ofMinutes(minutes))
                                    .setSoundPeriod(SOUND_PERIOD)
                                    .setTemperaturePeriod(TEMPERATURE_PERIOD)
                                    .setSeed(seed)
                                    .setBursts(Math.max(4, keys / 50))
                                    .setDrifts(Math.max(2, keys / 200))
                                    .setSilences(Math.max(2, keys / 200))
                                    .setMalformedShare(0.002)
                                    .setMixedPayloads(true)
                                    .build());
            if (simulation.readings().size() >= readings) {
                return simulation;
            }
            minutes++;
        }
    }
}
