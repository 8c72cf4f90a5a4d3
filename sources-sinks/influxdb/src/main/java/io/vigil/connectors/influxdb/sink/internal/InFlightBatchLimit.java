package io.vigil.connectors.influxdb.sink.internal;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.sink.writer.strategy.RateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.ResultInfo;

/**
 * At most {@code influxdb.max-in-flight-batches} requests at once, each of at most {@code
 * influxdb.batch.max-points} points. Unlike Flink's default congestion control it never shrinks the
 * batches: the writer retries inside a request, with backoff, so failures never reach it.
 */
@Internal
final class InFlightBatchLimit implements RateLimitingStrategy {

    private final int maxInFlight;
    private final int maxBatchSize;
    private int inFlight;

    InFlightBatchLimit(int maxInFlight, int maxBatchSize) {
        this.maxInFlight = maxInFlight;
        this.maxBatchSize = maxBatchSize;
    }

    @Override
    public void registerInFlightRequest(RequestInfo requestInfo) {
        inFlight++;
    }

    @Override
    public void registerCompletedRequest(ResultInfo resultInfo) {
        inFlight--;
    }

    @Override
    public boolean shouldBlock(RequestInfo requestInfo) {
        return inFlight >= maxInFlight;
    }

    @Override
    public int getMaxBatchSize() {
        return maxBatchSize;
    }
}
