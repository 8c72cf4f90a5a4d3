package io.vigil.model;

/**
 * The aggregate of one key's readings over one tumbling event-time window.
 *
 * <p>{@code stddev} is the sample standard deviation (n-1; 0 for a single reading). {@code last} is
 * the value of the reading with the latest event time. {@code leq} is the energy average {@code
 * 10*log10(mean(10^(L/10)))} for decibel metrics and {@code NaN} for all others.
 */
public record WindowAggregate(
        String site,
        String device,
        String metric,
        String window,
        long windowStart,
        long windowEnd,
        long count,
        double min,
        double max,
        double mean,
        double stddev,
        double last,
        double leq) {

    public boolean hasLeq() {
        return !Double.isNaN(leq);
    }
}
