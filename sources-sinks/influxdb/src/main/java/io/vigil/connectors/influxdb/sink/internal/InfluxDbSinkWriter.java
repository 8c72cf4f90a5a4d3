package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.connectors.influxdb.sink.InfluxDbWriteException;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.SimpleBatchCreator;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;

/**
 * Writes batches of points to InfluxDB on Flink's {@link AsyncSinkWriter}, which buffers, cuts
 * batches by points, bytes and time, limits the requests in flight (back-pressuring the task when
 * all are busy) and waits for them before each checkpoint.
 *
 * <p>This class adds what is InfluxDB's own, sent by an {@link InfluxDbBatchSender}: each request
 * runs on one of {@code influxdb.max-in-flight-batches} sender threads and is retried there, with
 * exponential backoff that honours {@code Retry-After}, until InfluxDB acknowledges it, so it
 * completes only once its points are stored (or handed to the {@link InfluxDbRejectedPointHandler}
 * and its replacement points stored). Retrying inside the request, rather than through {@link
 * ResultHandler#retryForEntries}, keeps the backoff and keeps the request's in-flight slot taken
 * while InfluxDB is down. Errors that retries cannot mend fail the job with the server's message.
 * {@link #flush} sends what is buffered too, so a completed checkpoint means its points are stored.
 */
@Internal
public final class InfluxDbSinkWriter<T> extends AsyncSinkWriter<T, InfluxDbLine> {

    // The writer bounds each request itself (retry.max-duration), so Flink's request timeout,
    // which would send the batch again beside the running request, must never fire.
    private static final long NO_REQUEST_TIMEOUT_MS = Duration.ofDays(3650).toMillis();
    private static final long NO_FLUSH_INTERVAL_MS = Duration.ofDays(3650).toMillis();

    private final InfluxDbBatchSender sender;
    private final long maxBytes;
    private final AtomicReference<InfluxDbWriteException> failure = new AtomicReference<>();

    /**
     * @param encoder turns elements into entries; it fails on a point line protocol cannot carry
     *     exactly when {@code handler} is null
     * @param handler where rejected points go; null fails the job on them, naming {@code
     *     influxdb.dead-letter-measurement}
     */
    public InfluxDbSinkWriter(
            InfluxDbLineEncoder<T> encoder,
            InfluxDbWriterSettings settings,
            InfluxDbRejectedPointHandler handler,
            InfluxDbWriteClient client,
            WriterInitContext context,
            Collection<BufferedRequestState<InfluxDbLine>> restored) {
        super(
                encoder,
                context,
                configuration(settings),
                restored,
                new SimpleBatchCreator<>(settings.batchMaxBytes),
                new DequeRequestBuffer<>());
        this.maxBytes = settings.batchMaxBytes;
        this.sender =
                new InfluxDbBatchSender(
                        client,
                        handler,
                        settings,
                        context.getTaskInfo().getIndexOfThisSubtask(),
                        context.metricGroup());
    }

    private static AsyncSinkWriterConfiguration configuration(InfluxDbWriterSettings settings) {
        long flushInterval = settings.flushInterval.toMillis();
        return AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(settings.batchMaxPoints)
                .setMaxBatchSizeInBytes(settings.batchMaxBytes)
                .setMaxInFlightRequests(settings.maxInFlightBatches)
                // One batch may fill while all requests are in flight; the next point waits.
                .setMaxBufferedRequests(settings.batchMaxPoints + 1)
                .setMaxTimeInBufferMS(flushInterval > 0 ? flushInterval : NO_FLUSH_INTERVAL_MS)
                .setMaxRecordSizeInBytes(settings.batchMaxBytes)
                .setRequestTimeoutMS(NO_REQUEST_TIMEOUT_MS)
                .setFailOnTimeout(true)
                .setRateLimitingStrategy(
                        new InFlightBatchLimit(
                                settings.maxInFlightBatches, settings.batchMaxPoints))
                .build();
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        checkFailure();
        super.write(element, context);
    }

    /**
     * Sends everything buffered and waits until InfluxDB has acknowledged it, also when Flink asks
     * only for the requests in flight (before a checkpoint barrier): the points of a completed
     * checkpoint are then stored in InfluxDB, not merely in the checkpoint.
     */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(true);
        InfluxDbWriteException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * A point line protocol cannot carry reaches its entry (and later the handler) with the batch;
     * the oversized line is sent alone, as its size is capped at the batch limit here.
     */
    @Override
    protected long getSizeInBytes(InfluxDbLine entry) {
        return Math.min(entry.bytes, maxBytes);
    }

    @Override
    protected void submitRequestEntries(
            List<InfluxDbLine> entries, ResultHandler<InfluxDbLine> resultHandler) {
        sender.execute(
                () -> {
                    try {
                        sender.send(entries);
                        resultHandler.complete();
                    } catch (Throwable t) {
                        InfluxDbWriteException e = sender.asWriteException(t);
                        failure.compareAndSet(null, e);
                        resultHandler.completeExceptionally(e);
                    }
                });
    }

    private void checkFailure() throws IOException {
        InfluxDbWriteException t = failure.get();
        if (t != null) {
            throw new IOException(t.getMessage(), t);
        }
    }

    @Override
    public void close() {
        sender.close();
    }
}
