package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Random reading sequences for checking a pattern against a plain-Java model of its documented
 * semantics, and an arrival order that shuffles them within an out-of-orderness bound.
 */
final class RandomReadings {

    private RandomReadings() {}

    /**
     * Readings of one key with strictly increasing timestamps (gaps of 1 to {@code maxGapSeconds}
     * seconds) and values on a random walk in steps of 0.5, so that equalities at thresholds and
     * tolerances occur and compare exactly.
     */
    static List<SensorReading> walk(
            Random random, int count, int maxGapSeconds, double start, int minStep, int maxStep) {
        List<SensorReading> readings = new ArrayList<>();
        long timestamp = 1_000_000;
        double value = start;
        for (int i = 0; i < count; i++) {
            timestamp += 1000L * (1 + random.nextInt(maxGapSeconds));
            value += 0.5 * (minStep + random.nextInt(maxStep - minStep + 1));
            readings.add(new SensorReading("plant-a", "dev", "m", timestamp, value, null));
        }
        return readings;
    }

    /**
     * Readings of one key with strictly increasing timestamps (gaps of 1 to {@code maxGapSeconds}
     * seconds) and independent values {@code low + 0.5 * k}, {@code k} in {@code [0, steps]}.
     */
    static List<SensorReading> noise(
            Random random, int count, int maxGapSeconds, double low, int steps) {
        List<SensorReading> readings = new ArrayList<>();
        long timestamp = 1_000_000;
        for (int i = 0; i < count; i++) {
            timestamp += 1000L * (1 + random.nextInt(maxGapSeconds));
            double value = low + 0.5 * random.nextInt(steps + 1);
            readings.add(new SensorReading("plant-a", "dev", "m", timestamp, value, null));
        }
        return readings;
    }

    /**
     * Feeds {@code readings} to {@code harness} in an arrival order shuffled by less than {@code
     * boundMillis}, with a watermark of (latest timestamp - bound - 1) after each, as a bounded
     * out-of-orderness strategy would; no reading is late. Ends with the end-of-time watermark.
     */
    static void feedShuffled(
            EngineHarness harness, List<SensorReading> readings, long boundMillis, Random random)
            throws Exception {
        List<long[]> arrival = new ArrayList<>();
        for (int i = 0; i < readings.size(); i++) {
            long jitter = boundMillis == 0 ? 0 : (long) (random.nextDouble() * boundMillis);
            arrival.add(new long[] {readings.get(i).timestamp() + jitter, i});
        }
        arrival.sort(Comparator.comparingLong((long[] a) -> a[0]).thenComparingLong(a -> a[1]));
        long latest = Long.MIN_VALUE;
        for (long[] a : arrival) {
            SensorReading reading = readings.get((int) a[1]);
            harness.add(reading);
            latest = Math.max(latest, reading.timestamp());
            harness.watermark(latest - boundMillis - 1);
        }
        harness.watermark(Long.MAX_VALUE);
    }

    /**
     * Feeds {@code readings} to an engine hosting {@code pattern}, shuffled within 5 s (see {@link
     * #feedShuffled}), and checks that its firing and its resolving events are, in order, those of
     * the model; returns how many alerts fired.
     *
     * @param description what the assertions name on failure, e.g. the seed and the spec
     */
    static int feedShuffledAndCompare(
            AlertPattern pattern,
            List<SensorReading> readings,
            LifecycleModel.Expected expected,
            Random random,
            String description)
            throws Exception {
        try (EngineHarness harness = new EngineHarness(pattern)) {
            feedShuffled(harness, readings, 5000, random);

            assertOutput(harness.alerts())
                    .as(description)
                    .nextAlerts(expected.firing())
                    .hasNoMoreAlerts();
            assertOutput(harness.resolved())
                    .as(description + ": resolved")
                    .nextAlerts(expected.resolved())
                    .hasNoMoreAlerts();
            // What remains is the state of an alert still firing, or cooling down, at the end.
            assertThat(harness.numKeyedStateEntries()).isLessThanOrEqualTo(1);
            return harness.alerts().size();
        }
    }
}
