package io.vigil.tools.simulator;

import io.vigil.cep.config.Durations;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.SensorReading;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * A deterministic sensor fleet: every MQTT message it publishes, every valid reading in them and
 * the ground truth of the anomalies injected; the same {@link SimulationSpec} (seed included) gives
 * byte for byte the same messages, on any JVM (it uses {@link StrictMath} and {@link
 * SplittableRandom}). No I/O.
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

    private static final int PLACEMENT_TRIES_PER_DEVICE = 40;

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

    /** One sensor: where it is, what it measures, its sampling grid and its readings. */
    private static final class Device {
        final int index;
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

        Device(int index, String site, String name, boolean sound, SimulationSpec spec, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            this.index = index;
            this.site = site;
            this.name = name;
            this.metric = sound ? "sound" : "temperature";
            this.unit = sound ? "dB" : "C";
            this.period = (sound ? spec.soundPeriod() : spec.temperaturePeriod()).toMillis();
            this.phase = random.nextLong(period);
            long span = spec.duration().toMillis();
            this.slots = span <= phase ? 0 : (int) ((span - phase + period - 1) / period);
            this.level = sound ? random.nextDouble(50.0, 60.0) : random.nextDouble(35.0, 60.0);
            this.swing = sound ? 4.0 : TEMPERATURE_CYCLE_AMPLITUDE;
            this.swingPeriod =
                    sound
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
                        sound
                                ? round1(
                                        clamp(
                                                clean + random.nextGaussian() * 2.5,
                                                AMBIENT_SOUND_MIN_DB,
                                                AMBIENT_SOUND_MAX_DB))
                                : round2(
                                        clean
                                                + random.nextDouble(
                                                        -TEMPERATURE_NOISE, TEMPERATURE_NOISE));
            }
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
            int edge = slotsOf(EDGE);
            if (from < edge || to > slots - edge) {
                return false;
            }
            int gap = slotsOf(EPISODE_GAP);
            for (int[] range : reserved) {
                if (from < range[1] + gap && range[0] < to + gap) {
                    return false;
                }
            }
            return true;
        }

        private static long minutes(long minutes) {
            return Duration.ofMinutes(minutes).toMillis();
        }
    }

    /** A message before ordering: its sort keys besides the event time. */
    private record Draft(SimulatedMessage message, Device device, long sequence, int after) {}

    /** One run of generation; holds the random sources in a fixed order of use. */
    private static final class Generator {
        private final SimulationSpec spec;
        private final long start;
        private final SplittableRandom random;
        private final List<Device> devices = new ArrayList<>();
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
                            new Device(
                                    devices.size(),
                                    siteName(s),
                                    name,
                                    sound,
                                    spec,
                                    random.nextLong()));
                }
            }
            SplittableRandom placement = new SplittableRandom(random.nextLong());
            List<Device> mics = devices.stream().filter(Device::isSound).toList();
            List<Device> pumps = devices.stream().filter(d -> !d.isSound()).toList();
            // The longest episodes first, while the timeline is still empty.
            for (int k = 0; k < spec.silences(); k++) {
                placeSilence(placement, k);
            }
            for (int k = 0; k < spec.drifts(); k++) {
                placeDrift(placement, pumps, k);
            }
            for (int k = 0; k < spec.bursts(); k++) {
                placeBurst(placement, mics, k);
            }

            List<Draft> drafts = new ArrayList<>();
            for (Device device : devices) {
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

        private void placeSilence(SplittableRandom placement, int k) {
            long gap = placement.nextLong(SILENCE_MIN.toMillis(), SILENCE_MAX.toMillis() + 1);
            Device device =
                    place(
                            placement,
                            devices,
                            k,
                            d -> (int) Math.max(1, gap / d.period),
                            "silences",
                            "devices");
            int[] range = device.reserved.get(device.reserved.size() - 1);
            for (int i = range[0]; i < range[1]; i++) {
                device.present[i] = false;
            }
            episodes.add(
                    new Episode(
                            Episode.Kind.SILENCE,
                            device.site,
                            device.name,
                            device.metric,
                            device.topic(),
                            device.time(start, range[0] - 1),
                            device.time(start, range[1]),
                            0,
                            Double.NaN,
                            null));
        }

        private void placeDrift(SplittableRandom placement, List<Device> pumps, int k) {
            int rising = placement.nextInt(DRIFT_MIN_READINGS, DRIFT_MAX_READINGS + 1);
            double rise = placement.nextDouble(DRIFT_MIN_RISE, DRIFT_MAX_RISE);
            int coolDown = (int) Math.ceil(rise / COOL_DOWN_STEP);
            Device device =
                    place(placement, pumps, k, d -> rising + coolDown, "drifts", "pump devices");
            int from = device.reserved.get(device.reserved.size() - 1)[0];
            double base = device.clean(device.time(start, from) - start);
            double peak = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < rising; j++) {
                double value =
                        round2(
                                base
                                        + rise * j / (rising - 1)
                                        + placement.nextDouble(-DRIFT_NOISE, DRIFT_NOISE));
                device.values[from + j] = value;
                peak = Math.max(peak, value);
            }
            for (int j = 0; j < coolDown; j++) {
                device.values[from + rising + j] = round2(base + rise - COOL_DOWN_STEP * (j + 1));
            }
            episodes.add(
                    new Episode(
                            Episode.Kind.DRIFT,
                            device.site,
                            device.name,
                            device.metric,
                            device.topic(),
                            device.time(start, from),
                            device.time(start, from + rising - 1),
                            rising,
                            peak,
                            null));
        }

        private void placeBurst(SplittableRandom placement, List<Device> mics, int k) {
            int loud = placement.nextInt(BURST_MIN_READINGS, BURST_MAX_READINGS + 1);
            Device device = place(placement, mics, k, d -> loud, "bursts", "microphones");
            int from = device.reserved.get(device.reserved.size() - 1)[0];
            double peak = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < loud; j++) {
                double value = round1(placement.nextDouble(BURST_MIN_DB, BURST_MAX_DB));
                device.values[from + j] = value;
                peak = Math.max(peak, value);
            }
            episodes.add(
                    new Episode(
                            Episode.Kind.BURST,
                            device.site,
                            device.name,
                            device.metric,
                            device.topic(),
                            device.time(start, from),
                            device.time(start, from + loud - 1),
                            loud,
                            peak,
                            null));
        }

        /**
         * Reserves slots for the {@code k}-th episode of a kind on one of the candidates, starting
         * with a different device for each episode so that they spread over the fleet.
         */
        private Device place(
                SplittableRandom placement,
                List<Device> candidates,
                int k,
                ToIntFunction<Device> length,
                String what,
                String devicesName) {
            for (int c = 0; c < candidates.size(); c++) {
                Device device = candidates.get((k + c) % candidates.size());
                int slots = length.applyAsInt(device);
                int latest = device.slots - device.slotsOf(EDGE) - slots;
                int earliest = device.slotsOf(EDGE);
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
                            Durations.format(EPISODE_GAP),
                            Durations.format(EDGE),
                            what));
        }

        private int countOf(String what) {
            switch (what) {
                case "silences":
                    return spec.silences();
                case "drifts":
                    return spec.drifts();
                default:
                    return spec.bursts();
            }
        }

        private void addReadingMessages(Device device, List<Draft> drafts) {
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
                        && allPresent(device, i, i + BATCH_SIZE)) {
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
                    StringBuilder batch = new StringBuilder("[");
                    for (SensorReading reading : readings) {
                        batch.append(batch.length() > 1 ? "," : "").append(plain(reading));
                    }
                    payload = batch.append(']').toString();
                } else if (form >= BATCH_SHARE && form < BATCH_SHARE + ISO_SHARE) {
                    payload = iso(readings.get(0));
                } else if (form >= BATCH_SHARE + ISO_SHARE
                        && form < BATCH_SHARE + ISO_SHARE + SENML_SHARE) {
                    payload = senml(readings.get(0));
                } else {
                    payload = plain(readings.get(0));
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
                Device device = anchor.device();
                DeadLetterReason reason =
                        MALFORMED_REASONS.get((offset + k) % MALFORMED_REASONS.size());
                long time = anchor.message().eventTime();
                String topic = device.topic();
                String value = Double.toString(device.values[0]);
                String ts = Long.toString(time);
                int variant = malformed.nextInt(3);
                String payload;
                switch (reason) {
                    case MALFORMED_JSON:
                        payload =
                                variant == 0
                                        ? "{\"ts\":" + ts + ",\"value\":" + value
                                        : variant == 1
                                                ? "{ts:" + ts + ",value:" + value + "}"
                                                : "{\"ts\":" + ts + ",\"value\":" + value + ",}";
                        break;
                    case MISSING_VALUE:
                        payload =
                                variant == 0
                                        ? "{\"ts\":" + ts + ",\"unit\":\"" + device.unit + "\"}"
                                        : "{\"ts\":" + ts + ",\"value\":null}";
                        break;
                    case NON_NUMERIC_VALUE:
                        payload =
                                "{\"ts\":"
                                        + ts
                                        + ",\"value\":"
                                        + (variant == 0
                                                ? "\"NaN\""
                                                : variant == 1 ? "\"loud\"" : "true")
                                        + "}";
                        break;
                    case NON_FINITE_VALUE:
                        payload =
                                "{\"ts\":"
                                        + ts
                                        + ",\"value\":"
                                        + (variant == 0
                                                ? "NaN"
                                                : variant == 1 ? "Infinity" : "-Infinity")
                                        + "}";
                        break;
                    case BAD_TIMESTAMP:
                        payload =
                                "{\"ts\":"
                                        + (variant == 0
                                                ? "\"yesterday\""
                                                : variant == 1 ? "-1000" : "false")
                                        + ",\"value\":"
                                        + value
                                        + "}";
                        break;
                    case FUTURE_TIMESTAMP:
                        payload =
                                "{\"ts\":"
                                        + (FAR_FUTURE_MILLIS + (time - start))
                                        + ",\"value\":"
                                        + value
                                        + "}";
                        break;
                    case BAD_TOPIC:
                        topic =
                                variant == 0
                                        ? "sensors/" + device.site + '/' + device.name
                                        : device.topic() + "/raw";
                        payload = "{\"ts\":" + ts + ",\"value\":" + value + "}";
                        break;
                    case TOO_LARGE:
                        StringBuilder large = new StringBuilder("{\"ts\":" + ts + ",\"value\":\"");
                        while (large.length() < TOO_LARGE_BYTES - 2) {
                            large.append('x');
                        }
                        payload = large.append("\"}").toString();
                        break;
                    case EMPTY:
                        payload = variant == 0 ? "" : "   ";
                        break;
                    default:
                        throw new IllegalStateException("No malformed payload for " + reason);
                }
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
                                reason.code()));
            }
        }

        private static boolean allPresent(Device device, int from, int to) {
            for (int i = from; i < to; i++) {
                if (!device.present[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static String plain(SensorReading reading) {
        return "{\"ts\":"
                + reading.timestamp()
                + ",\"value\":"
                + reading.value()
                + ",\"unit\":\""
                + reading.unit()
                + "\"}";
    }

    private static String iso(SensorReading reading) {
        return "{\"ts\":\""
                + Instant.ofEpochMilli(reading.timestamp())
                + "\",\"value\":"
                + reading.value()
                + ",\"unit\":\""
                + reading.unit()
                + "\"}";
    }

    private static String senml(SensorReading reading) {
        return "[{\"bt\":"
                + BigDecimal.valueOf(reading.timestamp(), 3).toPlainString()
                + ",\"bu\":\""
                + reading.unit()
                + "\",\"v\":"
                + reading.value()
                + "}]";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
