package io.vigil.aggregation;

/**
 * The running state of one window's aggregate: constant size whatever the number of readings.
 *
 * <p>Mean and variance use Welford's online update (numerically stable). The decibel energy sum is
 * kept relative to the loudest level seen ({@code energyRef}), so that {@code 10^(L/10)} never
 * overflows a double however loud the input.
 */
public class ReadingAccumulator {
    public long count;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;
    public double mean;

    /** Sum of squared differences from the mean (Welford's M2). */
    public double m2;

    public long lastTimestamp = Long.MIN_VALUE;
    public double lastValue;

    public long decibelCount;
    public double energyRef = Double.NEGATIVE_INFINITY;

    /** Sum over decibel readings of {@code 10^((L - energyRef)/10)}. */
    public double energySum;

    public ReadingAccumulator() {}

    void add(long timestamp, double value, boolean decibel) {
        count++;
        min = Math.min(min, value);
        max = Math.max(max, value);
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        // Ties go to the reading processed later: it is the newer report of the same instant.
        if (timestamp >= lastTimestamp) {
            lastTimestamp = timestamp;
            lastValue = value;
        }
        if (decibel) {
            addEnergy(value, 1.0);
        }
    }

    private void addEnergy(double level, double relativeEnergy) {
        if (level > energyRef) {
            energySum = energySum * Math.pow(10, (energyRef - level) / 10) + relativeEnergy;
            energyRef = level;
        } else {
            energySum += relativeEnergy * Math.pow(10, (level - energyRef) / 10);
        }
        decibelCount++;
    }

    void merge(ReadingAccumulator other) {
        if (other.count == 0) {
            return;
        }
        long total = count + other.count;
        double delta = other.mean - mean;
        m2 += other.m2 + delta * delta * count * other.count / total;
        mean += delta * other.count / total;
        count = total;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        if (other.lastTimestamp >= lastTimestamp) {
            lastTimestamp = other.lastTimestamp;
            lastValue = other.lastValue;
        }
        if (other.decibelCount > 0) {
            long decibels = decibelCount + other.decibelCount;
            addEnergy(other.energyRef, other.energySum);
            decibelCount = decibels;
        }
    }

    /** Sample standard deviation (n-1); 0 for a single reading. */
    double stddev() {
        return count < 2 ? 0.0 : Math.sqrt(m2 / (count - 1));
    }

    /** Energy-average level of the decibel readings, or NaN when there were none. */
    double leq() {
        return decibelCount == 0
                ? Double.NaN
                : energyRef + 10 * Math.log10(energySum / decibelCount);
    }
}
