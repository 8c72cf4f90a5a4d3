package io.vigil.tools.simulator;

import io.vigil.model.DeadLetterReason;
import io.vigil.model.SensorReading;
import io.vigil.tools.simulator.SimulatedDevice.Sensor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic sensor fleet: every MQTT message it publishes, every valid reading in them and
 * the ground truth of the anomalies injected; the same {@link SimulationSpec} (seed included) gives
 * byte for byte the same messages, on any JVM (it uses {@link StrictMath} and {@link
 * SplittableRandom}). No I/O. The parts: {@link SimulatedDevice} (a sensor and its ambient
 * readings), {@link EpisodeInjector} (the anomalies), {@link Payloads} (the message texts); this
 * class draws them together in a fixed order of random draws. It is long (about 430 lines, 70 of
 * them this comment) because that order is what makes the output reproducible, and it is read best
 * in one place.
 *
 * <p>Readings: each device samples on a fixed grid ({@code start + phase + i * period}, the phase
 * drawn per device below one period). Topics are {@code sensors/{site}/{device}/{metric}}.
 *
 * <ul>
 *   <li>Ambient sound: a device level of 50 to 60 dB, a slow swing of ±4 dB over 5 to 20 min and
 *       Gaussian noise (σ 2.5 dB), clipped to 45..70 dB, one decimal. Never above 70 dB, so far
 *       below the burst threshold of 85 dB.
 *   <li>Ambient temperature: a device level of 35 to 60 °C, a cycle of ±1 °C over 60 to 120 min and
 *       independent uniform noise of ±0.3 °C, two decimals. Over any 10 min the cycle rises at most
 *       about 1.05 °C and the noise adds at most 0.6 °C, so no run of ambient readings ever rises
 *       by the drift pattern's 3 °C; the noise, larger than the drift tolerance of 0.2 °C, also
 *       breaks runs early.
 * </ul>
 *
 * <p>Anomalies (see {@link Episode} for the exact span of each): a burst is 3 to 6 consecutive
 * readings at 88 to 105 dB; a drift is 20 to 28 readings rising steadily by 3.5 to 5 °C in total
 * (noise ±0.05 °C, below the tolerance), then falling back to ambient by 0.6 °C per reading; a
 * silence removes a device's readings for 150 to 270 s; a malformed message is an extra message,
 * not a reading, published right after a valid message of the same device. Episodes on one device
 * are at least 70 s apart (so two bursts on one key are more than a minute apart), and none lies in
 * the first or last 30 s. The total rise of a drift stays below twice the pattern's 3 °C, so that a
 * detector that alerts as soon as the rise is reached cannot find a second drift in the rest of the
 * run.
 *
 * <p>Machines, only when their episodes are asked for ({@link SimulationSpec}): tanks (fuel level
 * 30 to 90 %, ±2 % over an hour or two, noise ±0.3), lines (pressure 4 to 6 bar, ±0.05, noise
 * ±0.02, three decimals, never the same value twice in a row), motors (vibration 1.5 to 3 mm/s,
 * ±0.05, noise ±0.02) and presses (a temperature and a sound sensor, ambient as above). Their
 * episodes: a fuel level of 2 to 9.5 % for 3 to 6 readings; a leak (pumped up by 0.2 bar, then
 * falling by 1 to 1.5 bar over 10 to 14 readings); a climb of 1.2 to 2 mm/s per reading for 3 to 5
 * readings, the motor staying at the new level; a pressure stuck at one value for 10 to 14
 * readings; a press at 82 to 90 °C for one reading, then 5 to 60 s later 3 to 5 sound readings of
 * 76 to 84 dB. {@link Episode} says exactly when each alert must fire and resolve.
 *
 * <p>Payloads: a plain reading {@code {"ts":1764316800123,"value":55.2,"unit":"dB"}}; with mixed
 * payloads also, for about 10 % of the sound messages, a batch (JSON array) of 3 consecutive
 * readings, and for about 5 % each an ISO-8601 {@code ts} or a SenML pack {@code
 * [{"bt":1764316800.123,"bu":"dB","v":55.2}]}. Every form carries its event time; bare numbers
 * (stamped with the arrival time) are never sent. A batch is published at the time of its last
 * reading, so its first reading is at most two sound periods (4 s) older than readings already
 * sent: within the job's default out-of-orderness of 5 s, never late.
 *
 * <p>Malformed messages cycle through the dead-letter reasons {@code malformed-json}, {@code
 * missing-value}, {@code non-numeric-value}, {@code non-finite-value}, {@code bad-timestamp},
 * {@code future-timestamp} ({@code ts} after 2100-01-01, so in the future of any arrival time),
 * {@code bad-topic} (3 or 5 topic levels, still under {@code sensors/#}), {@code too-large}
 * ({@value #TOO_LARGE_BYTES} bytes, above the parser's default limit of 64 KiB, and not a number
 * even if the limit is raised) and {@code empty}.
 *
 * <pre>{@code
 * FleetSimulation simulation = FleetSimulation.generate(SimulationSpec.builder().setSeed(7).build());
 * for (SimulatedMessage message : simulation.messages()) {
 *     publish(message.topic(), message.payload());
 * }
 * LabelsFile.write(Path.of("labels.jsonl"), simulation.episodes());
 * }</pre>
 */
public final class FleetSimulation {

    static final double AMBIENT_SOUND_MIN_DB = 45.0;
    static final double AMBIENT_SOUND_MAX_DB = 70.0;
    static final int BURST_MIN_READINGS = 3;
    static final int BURST_MAX_READINGS = 6;
    static final double BURST_MIN_DB = 88.0;
    static final double BURST_MAX_DB = 105.0;

    static final double TEMPERATURE_CYCLE_AMPLITUDE = 1.0;
    static final double TEMPERATURE_NOISE = 0.3;
    static final int DRIFT_MIN_READINGS = 20;
    static final int DRIFT_MAX_READINGS = 28;
    static final double DRIFT_MIN_RISE = 3.5;
    static final double DRIFT_MAX_RISE = 5.0;
    static final double DRIFT_NOISE = 0.05;
    static final double COOL_DOWN_STEP = 0.6;

    static final int LOW_MIN_READINGS = 3;
    static final int LOW_MAX_READINGS = 6;
    static final double LOW_MIN_LEVEL = 2.0;
    static final double LOW_MAX_LEVEL = 9.5;

    static final int LEAK_MIN_READINGS = 10;
    static final int LEAK_MAX_READINGS = 14;
    static final double LEAK_MIN_FALL = 1.0;
    static final double LEAK_MAX_FALL = 1.5;
    static final double LEAK_PUMP_UP = 0.2;
    static final int LEAK_PATTERN_MIN_EVENTS = 6; // pressure-leak's min-events and min-fall
    static final double LEAK_PATTERN_MIN_FALL = 0.8;

    static final int RATE_MIN_READINGS = 3;
    static final int RATE_MAX_READINGS = 5;
    static final double RATE_MIN_STEP = 1.2;
    static final double RATE_MAX_STEP = 2.0;
    static final Duration RATE_PATTERN_OVER = Duration.ofMinutes(2); // vibration-rising's over

    static final int FLATLINE_MIN_READINGS = 10;
    static final int FLATLINE_MAX_READINGS = 14;

    static final Duration SEQUENCE_MIN_DELAY = Duration.ofSeconds(5);
    static final Duration SEQUENCE_MAX_DELAY = Duration.ofSeconds(60);
    static final int SEQUENCE_MIN_LOUD = 3;
    static final int SEQUENCE_MAX_LOUD = 5;
    static final double SEQUENCE_BREAK_BEFORE_HOT = 0.5;
    static final double SEQUENCE_MIN_HOT = 82.0;
    static final double SEQUENCE_MAX_HOT = 90.0;
    static final double SEQUENCE_MIN_LOUD_DB = 76.0;
    static final double SEQUENCE_MAX_LOUD_DB = 84.0;
    static final int SEQUENCE_PATTERN_LOUD_EVENTS = 3; // hot-then-loud's second step

    static final Duration SILENCE_MIN = Duration.ofSeconds(150);
    static final Duration SILENCE_MAX = Duration.ofSeconds(270);

    /** Free time between two episodes on one device. */
    static final Duration EPISODE_GAP = Duration.ofSeconds(70);

    /** No episode starts in the first or ends in the last this much of the simulation. */
    static final Duration EDGE = Duration.ofSeconds(30);

    static final long FAR_FUTURE_MILLIS = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    static final int TOO_LARGE_BYTES = 80 * 1024;

    static final double BATCH_SHARE = 0.10;
    static final int BATCH_SIZE = 3;
    static final double ISO_SHARE = 0.05;
    static final double SENML_SHARE = 0.05;

    /** The dead-letter reasons malformed messages cycle through. */
    public static final List<DeadLetterReason> MALFORMED_REASONS =
            List.of(
                    DeadLetterReason.MALFORMED_JSON,
                    DeadLetterReason.MISSING_VALUE,
                    DeadLetterReason.NON_NUMERIC_VALUE,
                    DeadLetterReason.NON_FINITE_VALUE,
                    DeadLetterReason.BAD_TIMESTAMP,
                    DeadLetterReason.FUTURE_TIMESTAMP,
                    DeadLetterReason.BAD_TOPIC,
                    DeadLetterReason.TOO_LARGE,
                    DeadLetterReason.EMPTY);

    private final SimulationSpec spec;
    private final List<SimulatedMessage> messages;
    private final List<SensorReading> readings;
    private final List<Episode> episodes;

    private FleetSimulation(
            SimulationSpec spec,
            List<SimulatedMessage> messages,
            List<SensorReading> readings,
            List<Episode> episodes) {
        this.spec = spec;
        this.messages = List.copyOf(messages);
        this.readings = List.copyOf(readings);
        this.episodes = List.copyOf(episodes);
    }

    /**
     * Generates the simulation.
     *
     * @throws IllegalArgumentException when the episodes asked for do not fit the fleet and the
     *     duration (for example drifts without any pump)
     */
    public static FleetSimulation generate(SimulationSpec spec) {
        return new Generator(spec).run();
    }

    public SimulationSpec spec() {
        return spec;
    }

    /** Every message, valid and malformed, in publishing (event-time) order. */
    public List<SimulatedMessage> messages() {
        return messages;
    }

    /** Every valid reading the messages carry, ordered by event time. */
    public List<SensorReading> readings() {
        return readings;
    }

    /** The ground truth: every injected episode, ordered by {@code startedAt}. */
    public List<Episode> episodes() {
        return episodes;
    }

    public List<Episode> episodes(Episode.Kind kind) {
        return episodes.stream().filter(e -> e.kind() == kind).toList();
    }

    /** The names of the sites, {@code plant-a}, {@code plant-b}, ..., {@code plant-aa}, ... */
    static String siteName(int index) {
        StringBuilder name = new StringBuilder();
        int i = index;
        do {
            name.insert(0, (char) ('a' + i % 26));
            i = i / 26 - 1;
        } while (i >= 0);
        return "plant-" + name;
    }

    /** A message before ordering: its sort keys besides the event time. */
    private record Draft(
            SimulatedMessage message, SimulatedDevice device, long sequence, int after) {}

    /** One run of generation; holds the random sources in a fixed order of use. */
    private static final class Generator {
        private final SimulationSpec spec;
        private final long start;
        private final SplittableRandom random;
        private final List<SimulatedDevice> devices = new ArrayList<>();
        private final List<Episode> episodes = new ArrayList<>();

        Generator(SimulationSpec spec) {
            this.spec = spec;
            this.start = spec.startMillis();
            this.random = new SplittableRandom(spec.seed());
        }

        FleetSimulation run() {
            for (int s = 0; s < spec.sites(); s++) {
                for (int d = 0; d < spec.devicesPerSite(); d++) {
                    boolean sound = d % 2 == 0;
                    String name = String.format("%s-%02d", sound ? "mic" : "pump", d / 2 + 1);
                    devices.add(
                            new SimulatedDevice(
                                    siteName(s),
                                    name,
                                    sound ? Sensor.SOUND : Sensor.TEMPERATURE,
                                    spec,
                                    random.nextLong()));
                }
            }
            new EpisodeInjector(spec, new SplittableRandom(random.nextLong()), episodes)
                    .injectAll(devices);
            if (spec.hasMachines()) {
                addMachines(new SplittableRandom(random.nextLong()));
            }

            List<Draft> drafts = new ArrayList<>();
            for (SimulatedDevice device : devices) {
                addReadingMessages(device, drafts);
            }
            addMalformedMessages(new SplittableRandom(random.nextLong()), drafts);
            drafts.sort(
                    Comparator.comparingLong((Draft d) -> d.message().eventTime())
                            .thenComparingLong(Draft::sequence)
                            .thenComparingInt(Draft::after));
            List<SimulatedMessage> messages = drafts.stream().map(Draft::message).toList();
            List<SensorReading> readings = new ArrayList<>();
            for (SimulatedMessage message : messages) {
                readings.addAll(message.readings());
            }
            // Stable: a batch's readings keep their order among equal times.
            readings.sort(Comparator.comparingLong(SensorReading::timestamp));
            episodes.sort(
                    Comparator.comparingLong(Episode::startedAt)
                            .thenComparing(Episode::kind)
                            .thenComparing(Episode::key));
            return new FleetSimulation(spec, messages, readings, episodes);
        }

        /**
         * Adds the tanks, lines, motors and presses of every site, after the microphones and pumps
         * and from a random source of their own, and injects their episodes.
         */
        private void addMachines(SplittableRandom machines) {
            List<SimulatedDevice> tanks = new ArrayList<>();
            List<SimulatedDevice> lines = new ArrayList<>();
            List<SimulatedDevice> motors = new ArrayList<>();
            List<SimulatedDevice> presses = new ArrayList<>();
            Map<SimulatedDevice, SimulatedDevice> pressSounds = new HashMap<>();
            int perSite = (spec.devicesPerSite() + 1) / 2;
            for (int s = 0; s < spec.sites(); s++) {
                String site = siteName(s);
                for (int m = 1; m <= perSite; m++) {
                    String number = String.format("-%02d", m);
                    tanks.add(machine(site, "tank" + number, Sensor.FUEL_LEVEL, machines));
                    lines.add(machine(site, "line" + number, Sensor.PRESSURE, machines));
                    motors.add(machine(site, "motor" + number, Sensor.VIBRATION, machines));
                    SimulatedDevice press =
                            machine(site, "press" + number, Sensor.TEMPERATURE, machines);
                    presses.add(press);
                    pressSounds.put(press, machine(site, "press" + number, Sensor.SOUND, machines));
                }
            }
            new EpisodeInjector(spec, new SplittableRandom(machines.nextLong()), episodes)
                    .injectMachines(tanks, lines, motors, presses, pressSounds);
        }

        private SimulatedDevice machine(
                String site, String name, Sensor sensor, SplittableRandom machines) {
            SimulatedDevice device =
                    new SimulatedDevice(site, name, sensor, spec, machines.nextLong());
            devices.add(device);
            return device;
        }

        private void addReadingMessages(SimulatedDevice device, List<Draft> drafts) {
            SplittableRandom forms = device.formsRandom;
            int i = 0;
            while (i < device.slots) {
                if (!device.present[i]) {
                    i++;
                    continue;
                }
                int count = 1;
                double form = spec.mixedPayloads() ? forms.nextDouble() : 1.0;
                if (device.isSound()
                        && form < BATCH_SHARE
                        && i + BATCH_SIZE <= device.slots
                        && device.allPresent(i, i + BATCH_SIZE)) {
                    count = BATCH_SIZE;
                }
                List<SensorReading> readings = new ArrayList<>(count);
                for (int j = i; j < i + count; j++) {
                    readings.add(
                            new SensorReading(
                                    device.site,
                                    device.name,
                                    device.metric,
                                    device.time(start, j),
                                    device.values[j],
                                    device.unit));
                }
                String payload;
                if (count > 1) {
                    payload = Payloads.batch(readings);
                } else if (form >= BATCH_SHARE && form < BATCH_SHARE + ISO_SHARE) {
                    payload = Payloads.iso(readings.get(0));
                } else if (form >= BATCH_SHARE + ISO_SHARE
                        && form < BATCH_SHARE + ISO_SHARE + SENML_SHARE) {
                    payload = Payloads.senml(readings.get(0));
                } else {
                    payload = Payloads.plain(readings.get(0));
                }
                long eventTime = readings.get(count - 1).timestamp();
                drafts.add(
                        new Draft(
                                new SimulatedMessage(
                                        device.topic(), utf8(payload), eventTime, readings, null),
                                device,
                                drafts.size(),
                                0));
                i += count;
            }
        }

        private void addMalformedMessages(SplittableRandom malformed, List<Draft> drafts) {
            int valid = drafts.size();
            int count = (int) Math.round(spec.malformedShare() * valid);
            if (valid == 0 || count == 0) {
                return;
            }
            int offset = malformed.nextInt(MALFORMED_REASONS.size());
            for (int k = 0; k < count; k++) {
                Draft anchor = drafts.get(malformed.nextInt(valid));
                SimulatedDevice device = anchor.device();
                DeadLetterReason reason =
                        MALFORMED_REASONS.get((offset + k) % MALFORMED_REASONS.size());
                long time = anchor.message().eventTime();
                int variant = malformed.nextInt(3);
                String topic = device.topic();
                if (reason == DeadLetterReason.BAD_TOPIC) {
                    topic =
                            variant == 0
                                    ? "sensors/" + device.site + '/' + device.name
                                    : device.topic() + "/raw";
                }
                String payload =
                        Payloads.malformed(
                                reason,
                                Long.toString(time),
                                FAR_FUTURE_MILLIS + (time - start),
                                Double.toString(device.values[0]),
                                device.unit,
                                variant);
                drafts.add(
                        new Draft(
                                new SimulatedMessage(
                                        topic, utf8(payload), time, List.of(), reason.code()),
                                device,
                                anchor.sequence(),
                                k + 1));
                episodes.add(
                        new Episode(
                                Episode.Kind.MALFORMED,
                                device.site,
                                device.name,
                                device.metric,
                                topic,
                                time,
                                time,
                                1,
                                Double.NaN,
                                0,
                                reason.code()));
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
