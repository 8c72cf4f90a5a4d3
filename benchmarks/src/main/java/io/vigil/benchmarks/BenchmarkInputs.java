package io.vigil.benchmarks;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.job.InfluxPoints;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulatedMessage;
import io.vigil.tools.simulator.SimulationSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The inputs of Vigil's benchmarks, all from the deterministic {@link FleetSimulation}, so that
 * every run measures the same bytes.
 */
public final class BenchmarkInputs {

    /** The parser mix: 3 sites of 10 devices over 10 minutes, every payload form, 1 % malformed. */
    static final SimulationSpec PARSER_MIX =
            fleet(3, 10, Duration.ofMinutes(10))
                    .setMixedPayloads(true)
                    .setMalformedShare(0.01)
                    .build();

    /** The aggregates fleet: 2 sites of 20 devices over 30 minutes, in 1-minute windows. */
    static final SimulationSpec AGGREGATES_FLEET =
            fleet(2, 20, Duration.ofMinutes(30))
                    .setMixedPayloads(false)
                    .setMalformedShare(0)
                    .build();

    static final Duration WINDOW = Duration.ofMinutes(1);

    private BenchmarkInputs() {}

    /** The simulation of a fleet of that size over {@code duration}, with the benchmarks' seed. */
    private static SimulationSpec.Builder fleet(int sites, int devicesPerSite, Duration duration) {
        return SimulationSpec.builder()
                .setSites(sites)
                .setDevicesPerSite(devicesPerSite)
                .setDuration(duration)
                .setSeed(42);
    }

    /** Every message of the simulation as the broker would deliver it, arriving at its time. */
    public static RawMessage[] rawMessages(FleetSimulation simulation) {
        List<SimulatedMessage> messages = simulation.messages();
        RawMessage[] raw = new RawMessage[messages.size()];
        for (int i = 0; i < raw.length; i++) {
            SimulatedMessage message = messages.get(i);
            raw[i] = new RawMessage(message.topic(), message.payload(), message.eventTime());
        }
        return raw;
    }

    /** The parser benchmark's messages: plain readings, batches, ISO times, SenML, malformed. */
    public static RawMessage[] parserMix() {
        return rawMessages(FleetSimulation.generate(PARSER_MIX));
    }

    /** How many messages of each payload form the parser mix holds, for the report. */
    public static Map<String, Integer> parserMixForms() {
        Map<String, Integer> forms = new LinkedHashMap<>();
        for (String form : List.of("plain", "iso-time", "batch", "senml", "malformed")) {
            forms.put(form, 0);
        }
        for (SimulatedMessage message : FleetSimulation.generate(PARSER_MIX).messages()) {
            forms.merge(formOf(message), 1, Integer::sum);
        }
        return forms;
    }

    static String formOf(SimulatedMessage message) {
        String text = message.payloadText();
        if (message.isMalformed()) {
            return "malformed";
        } else if (text.startsWith("[{\"bt\"")) {
            return "senml";
        } else if (text.startsWith("[")) {
            return "batch";
        } else if (text.startsWith("{\"ts\":\"")) {
            return "iso-time";
        }
        return "plain";
    }

    /**
     * {@code sensor_aggregates} points as the job writes them ({@link InfluxPoints#aggregate}): one
     * per device and 1-minute window of the aggregates fleet, with {@code leq} on sound.
     */
    public static List<InfluxDbPoint> aggregatePoints() {
        FleetSimulation simulation = FleetSimulation.generate(AGGREGATES_FLEET);
        long size = WINDOW.toMillis();
        Map<String, List<SensorReading>> windows = new TreeMap<>();
        for (SensorReading reading : simulation.readings()) {
            long start = reading.timestamp() - Math.floorMod(reading.timestamp(), size);
            windows.computeIfAbsent(reading.key() + '@' + start, k -> new ArrayList<>())
                    .add(reading);
        }
        List<InfluxDbPoint> points = new ArrayList<>(windows.size());
        for (List<SensorReading> readings : windows.values()) {
            points.add(InfluxPoints.aggregate(aggregate(readings, size)));
        }
        return points;
    }

    /** The window statistics of docs/architecture.md; the readings are in event-time order. */
    private static WindowAggregate aggregate(List<SensorReading> readings, long size) {
        SensorReading first = readings.get(0);
        long start = first.timestamp() - Math.floorMod(first.timestamp(), size);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double energy = 0;
        for (SensorReading reading : readings) {
            min = Math.min(min, reading.value());
            max = Math.max(max, reading.value());
            sum += reading.value();
            energy += Math.pow(10, reading.value() / 10);
        }
        int n = readings.size();
        double mean = sum / n;
        double squares = 0;
        for (SensorReading reading : readings) {
            squares += (reading.value() - mean) * (reading.value() - mean);
        }
        return new WindowAggregate(
                first.site(),
                first.device(),
                first.metric(),
                "1m",
                start,
                start + size,
                n,
                min,
                max,
                mean,
                n < 2 ? 0.0 : Math.sqrt(squares / (n - 1)),
                readings.get(n - 1).value(),
                first.isDecibel() ? 10 * Math.log10(energy / n) : Double.NaN);
    }

    /** Prints what the JMH benchmarks run on. */
    public static void main(String[] args) {
        RawMessage[] mix = parserMix();
        System.out.printf("parser mix: %d messages %s%n", mix.length, parserMixForms());
        System.out.printf("sensor_aggregates points: %d%n", aggregatePoints().size());
    }
}
