package io.vigil.aggregation;

import io.vigil.model.WindowAggregate;

/** Builds the {@link WindowAggregate} of one key and window from its accumulator. */
public final class WindowAggregates {

    private WindowAggregates() {}

    /**
     * @param key the key {@code site/device/metric}
     * @param windowLabel the window size as the measurement's {@code window} tag, e.g. {@code 1m}
     */
    public static WindowAggregate of(
            String key, String windowLabel, long start, long end, ReadingAccumulator acc) {
        String[] parts = key.split("/", 3);
        return new WindowAggregate(
                parts[0],
                parts[1],
                parts[2],
                windowLabel,
                start,
                end,
                acc.count,
                acc.min,
                acc.max,
                acc.mean,
                acc.stddev(),
                acc.lastValue,
                acc.leq());
    }
}
