package io.vigil.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadingAggregateFunctionTest {

    private final ReadingAggregateFunction function = new ReadingAggregateFunction(Set.of("sound"));

    @Test
    void matchesIndependentlyComputedStatistics() {
        Random random = new Random(42);
        List<SensorReading> readings = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            readings.add(
                    reading(
                            "temperature",
                            1_000L + random.nextInt(60_000),
                            20 + 5 * random.nextGaussian(),
                            "C"));
        }
        ReadingAccumulator acc = aggregate(readings);

        double sum = 0;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        SensorReading latest = readings.get(0);
        for (SensorReading r : readings) {
            sum += r.value();
            min = Math.min(min, r.value());
            max = Math.max(max, r.value());
            if (r.timestamp() >= latest.timestamp()) {
                latest = r;
            }
        }
        double mean = sum / readings.size();
        double squares = 0;
        for (SensorReading r : readings) {
            squares += (r.value() - mean) * (r.value() - mean);
        }
        double stddev = Math.sqrt(squares / (readings.size() - 1));

        assertThat(acc.count).isEqualTo(500);
        assertThat(acc.min).isEqualTo(min);
        assertThat(acc.max).isEqualTo(max);
        assertThat(acc.mean).isCloseTo(mean, within(1e-9));
        assertThat(acc.stddev()).isCloseTo(stddev, within(1e-9));
        assertThat(acc.lastValue).isEqualTo(latest.value());
        assertThat(acc.leq()).isNaN();
    }

    @Test
    void singleReadingHasZeroStddev() {
        ReadingAccumulator acc = aggregate(List.of(reading("temperature", 5, 21.5, null)));

        assertThat(acc.count).isEqualTo(1);
        assertThat(acc.stddev()).isZero();
        assertThat(acc.mean).isEqualTo(21.5);
        assertThat(acc.lastValue).isEqualTo(21.5);
    }

    @Test
    void leqIsTheEnergyAverageNotTheArithmeticMean() {
        // 90 dB and 70 dB: the energy average is 10*log10((10^9 + 10^7) / 2) = 87.03 dB,
        // while the arithmetic mean would say 80 dB.
        ReadingAccumulator acc =
                aggregate(List.of(reading("sound", 1, 90, "dB"), reading("sound", 2, 70, "dB")));

        double expected = 10 * Math.log10((Math.pow(10, 9) + Math.pow(10, 7)) / 2);
        assertThat(acc.leq()).isCloseTo(expected, within(1e-9));
        assertThat(acc.mean).isEqualTo(80.0);
    }

    @Test
    void leqOfManyRandomLevelsMatchesDirectFormula() {
        Random random = new Random(7);
        List<SensorReading> readings = new ArrayList<>();
        double energy = 0;
        for (int i = 0; i < 1000; i++) {
            double level = 40 + 60 * random.nextDouble();
            energy += Math.pow(10, level / 10);
            // No unit: the metric name marks these readings as decibels.
            readings.add(reading("sound", i, level, null));
        }
        assertThat(aggregate(readings).leq())
                .isCloseTo(10 * Math.log10(energy / 1000), within(1e-9));
    }

    @Test
    void leqDoesNotOverflowForExtremeLevels() {
        ReadingAccumulator acc =
                aggregate(
                        List.of(reading("sound", 1, 4000, "dB"), reading("sound", 2, 4000, "dB")));

        assertThat(acc.leq()).isCloseTo(4000, within(1e-9));
    }

    @Test
    void lastIsTheReadingWithTheLatestEventTimeWhateverTheArrivalOrder() {
        ReadingAccumulator acc =
                aggregate(
                        List.of(
                                reading("temperature", 30, 3.0, null),
                                reading("temperature", 10, 1.0, null),
                                reading("temperature", 20, 2.0, null)));

        assertThat(acc.lastValue).isEqualTo(3.0);
    }

    @Test
    void mergingPartialAggregatesEqualsAggregatingAll() {
        Random random = new Random(3);
        List<SensorReading> readings = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            readings.add(
                    reading("sound", random.nextInt(10_000), 50 + 30 * random.nextDouble(), "dB"));
        }
        ReadingAccumulator whole = aggregate(readings);
        Collections.shuffle(readings, random);
        ReadingAccumulator merged =
                function.merge(
                        aggregate(readings.subList(0, 77)), aggregate(readings.subList(77, 200)));

        assertThat(merged.count).isEqualTo(whole.count);
        assertThat(merged.min).isEqualTo(whole.min);
        assertThat(merged.max).isEqualTo(whole.max);
        assertThat(merged.mean).isCloseTo(whole.mean, within(1e-9));
        assertThat(merged.stddev()).isCloseTo(whole.stddev(), within(1e-9));
        assertThat(merged.leq()).isCloseTo(whole.leq(), within(1e-9));
        assertThat(merged.lastTimestamp).isEqualTo(whole.lastTimestamp);
    }

    private ReadingAccumulator aggregate(List<SensorReading> readings) {
        ReadingAccumulator acc = function.createAccumulator();
        for (SensorReading r : readings) {
            acc = function.add(r, acc);
        }
        return function.getResult(acc);
    }

    private static SensorReading reading(String metric, long ts, double value, String unit) {
        return new SensorReading("plant-a", "dev-1", metric, ts, value, unit);
    }
}
