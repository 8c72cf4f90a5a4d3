package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.connectors.influxdb.sink.InfluxDbWriteException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the requests of an {@link InfluxDbSinkWriter}, one batch of lines each, on {@code
 * influxdb.max-in-flight-batches} sender threads: it retries a request with exponential backoff
 * that honours {@code Retry-After} until InfluxDB acknowledges it, hands the points InfluxDB
 * rejects to the {@link InfluxDbRejectedPointHandler} (splitting a batch refused for a field type
 * conflict within it, bisecting one refused as a whole) and writes their replacements. Errors that
 * retries cannot mend are thrown with the server's message.
 */
@Internal
final class InfluxDbBatchSender {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbBatchSender.class);

    private final InfluxDbWriteClient client;
    private final InfluxDbRejectedPointHandler handler;
    private final RetryPolicy retryPolicy;

    private final ExecutorService senders;
    private volatile boolean closed;

    private final Object metricsLock = new Object();
    private final Counter numRecordsOutErrors;
    private final Counter pointsWritten;
    private final Counter batchesWritten;
    private final Counter bytesWritten;
    private final Counter retries;
    private final Counter failedPoints;
    private final Histogram writeLatency;

    /**
     * @param handler where rejected points go; null fails the job on them, naming {@code
     *     influxdb.dead-letter-measurement}
     */
    InfluxDbBatchSender(
            InfluxDbWriteClient client,
            InfluxDbRejectedPointHandler handler,
            InfluxDbWriterSettings settings,
            int subtask,
            SinkWriterMetricGroup metrics) {
        this.client = client;
        this.handler = handler;
        this.retryPolicy = settings.retryPolicy;
        if (handler != null) {
            handler.open(subtask);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        this.senders =
                Executors.newFixedThreadPool(
                        settings.maxInFlightBatches,
                        runnable -> {
                            Thread thread =
                                    new Thread(
                                            runnable,
                                            String.format(
                                                    "influxdb-sink-%d-sender-%d",
                                                    subtask, threadNumber.incrementAndGet()));
                            thread.setDaemon(true);
                            return thread;
                        });

        // numRecordsSend and numBytesSend are AsyncSinkWriter's, counted as batches are sent.
        this.numRecordsOutErrors = metrics.getNumRecordsOutErrorsCounter();
        MetricGroup group = metrics.addGroup("influxdb");
        this.pointsWritten = group.counter("pointsWritten", new ThreadSafeSimpleCounter());
        this.batchesWritten = group.counter("batchesWritten", new ThreadSafeSimpleCounter());
        this.bytesWritten = group.counter("bytesWritten", new ThreadSafeSimpleCounter());
        this.retries = group.counter("retries", new ThreadSafeSimpleCounter());
        this.failedPoints = group.counter("failedPoints", new ThreadSafeSimpleCounter());
        this.writeLatency =
                group.histogram("writeLatencyMs", new DescriptiveStatisticsHistogram(1000));
    }

    /** Runs the task, which sends a request, on a sender thread. */
    void execute(Runnable task) {
        senders.execute(task);
    }

    InfluxDbWriteException asWriteException(Throwable t) {
        if (t instanceof InfluxDbWriteException) {
            return (InfluxDbWriteException) t;
        }
        return new InfluxDbWriteException(
                String.format("Writing to InfluxDB at %s failed: %s", client.target(), t), t);
    }

    /** Runs on a sender thread: writes the batch, then what the handler puts in rejected places. */
    void send(List<InfluxDbLine> entries) throws InterruptedException {
        List<InfluxDbLine> batch = new ArrayList<>(entries.size());
        List<InfluxDbRejectedPoint> rejected = new ArrayList<>();
        for (InfluxDbLine entry : entries) {
            if (entry.encoded()) {
                batch.add(entry);
            } else {
                rejected.add(
                        new InfluxDbRejectedPoint(
                                entry.point.measurement(),
                                entry.point.toString(),
                                entry.problem,
                                1));
            }
        }
        countFailed(rejected.size());
        if (!batch.isEmpty()) {
            writeBatch(batch, rejected);
        }
        if (!rejected.isEmpty()) {
            writeReplacements(rejected);
        }
    }

    private void writeBatch(List<InfluxDbLine> batch, List<InfluxDbRejectedPoint> rejected)
            throws InterruptedException {
        long[] bytes = {0};
        int dropped = write(batch, rejected, bytes);
        synchronized (metricsLock) {
            pointsWritten.inc(batch.size() - dropped);
            bytesWritten.inc(bytes[0]);
            batchesWritten.inc();
        }
    }

    /**
     * Writes the lines; where InfluxDB refuses them as a whole for points in them, narrows the
     * batch down to those points, which are added to {@code rejected}, and writes the rest.
     *
     * @param bytes where the bytes of the acknowledged requests are added up
     * @return the number of lines not written
     */
    private int write(List<InfluxDbLine> batch, List<InfluxDbRejectedPoint> rejected, long[] bytes)
            throws InterruptedException {
        String body = BatchLines.body(batch);
        WriteResponse response = writeWithRetry(body, batch);
        switch (response.kind()) {
            case CONFLICT_IN_BATCH:
                List<InfluxDbLine> kept = new ArrayList<>();
                // Each split takes at least one point off, so sending the rest again ends.
                int split = splitConflictsInBatch(response, batch, kept, rejected);
                return split + (kept.isEmpty() ? 0 : write(kept, rejected, bytes));
            case UNPARSABLE_BATCH:
                return narrowDown(response, batch, rejected, bytes);
            case PARTIAL:
                bytes[0] += InfluxDbLine.utf8Length(body);
                return collectRejected(response, batch, rejected);
            default:
                bytes[0] += InfluxDbLine.utf8Length(body);
                return 0;
        }
    }

    /**
     * Bisects a batch InfluxDB refused as a whole with 400 (it writes nothing when no line of a
     * request parses, e.g. for a key over 64 KiB): each half is sent again, down to single points,
     * so one bad point costs about {@code 2 log2(batch)} requests and never the job.
     */
    private int narrowDown(
            WriteResponse response,
            List<InfluxDbLine> batch,
            List<InfluxDbRejectedPoint> rejected,
            long[] bytes)
            throws InterruptedException {
        if (handler == null) {
            throw refused(response, batch);
        }
        if (batch.size() > 1) {
            int half = batch.size() / 2;
            return write(batch.subList(0, half), rejected, bytes)
                    + write(batch.subList(half, batch.size()), rejected, bytes);
        }
        InfluxDbLine entry = batch.get(0);
        rejected.add(
                new InfluxDbRejectedPoint(
                        entry.point.measurement(), entry.line, response.errorMessage(), 1));
        LOG.warn(
                "InfluxDB at {} refused a point: {}; the point goes to the rejected-point handler",
                client.target(),
                BatchLines.sample(List.of(response.errorMessage())));
        countFailed(1);
        return 1;
    }

    /**
     * Hands the rejected points to the handler (one call at a time, as its Javadoc promises) and
     * writes the points it returns.
     */
    private void writeReplacements(List<InfluxDbRejectedPoint> rejected)
            throws InterruptedException {
        List<String> lines = new ArrayList<>();
        synchronized (handler) {
            for (InfluxDbRejectedPoint point : rejected) {
                InfluxDbPoint replacement = handler.onRejected(point);
                if (replacement != null) {
                    lines.add(BatchLines.encodeReplacement(replacement, point));
                }
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        WriteResponse response = writeWithRetry(String.join("\n", lines), lines.size(), lines);
        if (response.kind() != WriteResponse.Kind.SUCCESS) {
            throw new InfluxDbWriteException(
                    String.format(
                            "InfluxDB at %s rejected dead letters (what the rejected-point"
                                    + " handler wrote in place of rejected points): %s. First"
                                    + " lines: %s",
                            client.target(), response.errorMessage(), BatchLines.sample(lines)));
        }
    }

    /** Hands the points dropped by a partial write to {@link BatchLines#collectRejected}. */
    private int collectRejected(
            WriteResponse response, List<InfluxDbLine> batch, List<InfluxDbRejectedPoint> out) {
        String message = response.errorMessage();
        if (handler == null) {
            throw new InfluxDbWriteException(
                    String.format(
                            "InfluxDB at %s dropped points: %s. First lines: %s (set"
                                    + " influxdb.dead-letter-measurement to hand them to the"
                                    + " rejected-point handler)",
                            client.target(), message, BatchLines.sample(BatchLines.lines(batch))));
        }
        int rejected = BatchLines.collectRejected(response, batch, out);
        LOG.warn(
                "InfluxDB at {} rejected {} point(s) of a batch of {}: {}",
                client.target(),
                rejected,
                batch.size(),
                message);
        countFailed(rejected);
        return rejected;
    }

    /** Splits a batch refused for a field type conflict within it, or fails without handler. */
    private int splitConflictsInBatch(
            WriteResponse response,
            List<InfluxDbLine> batch,
            List<InfluxDbLine> kept,
            List<InfluxDbRejectedPoint> out) {
        if (handler == null) {
            throw refused(response, batch);
        }
        int rejected = BatchLines.splitConflictsInBatch(response, batch, kept, out);
        if (rejected == 0) {
            throw refused(response, batch);
        }
        LOG.warn(
                "InfluxDB at {} refused a batch of {} for a field type conflict within it; {}"
                        + " point(s) rejected, the rest sent again",
                client.target(),
                batch.size(),
                rejected);
        countFailed(rejected);
        return rejected;
    }

    private void countFailed(long points) {
        synchronized (metricsLock) {
            failedPoints.inc(points);
            numRecordsOutErrors.inc(points);
        }
    }

    private WriteResponse writeWithRetry(String body, List<InfluxDbLine> batch)
            throws InterruptedException {
        return writeWithRetry(body, batch.size(), BatchLines.lines(batch));
    }

    /**
     * Sends until InfluxDB answers with success or a kind of rejection the caller handles; throws
     * when the answer is fatal or when retries run out.
     */
    private WriteResponse writeWithRetry(String body, int count, List<String> lines)
            throws InterruptedException {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            String problem;
            Duration retryAfter = null;
            IOException ioFailure = null;
            long sentAt = System.nanoTime();
            try {
                WriteResponse response = client.write(body);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
                synchronized (metricsLock) {
                    writeLatency.update(millis);
                }
                switch (response.kind()) {
                    case SUCCESS:
                    case PARTIAL:
                    case CONFLICT_IN_BATCH:
                    case UNPARSABLE_BATCH:
                        return response;
                    case FATAL:
                        throw refused(response, count, lines);
                    default:
                        problem = "HTTP " + response.status + ": " + response.errorMessage();
                        retryAfter = response.retryAfter;
                }
            } catch (IOException e) {
                if (InfluxDbHttpClient.isCertificateProblem(e)) {
                    throw new InfluxDbWriteException(
                            String.format(
                                    "TLS handshake with %s failed: %s (is the server's"
                                            + " certificate trusted and issued for this host? see"
                                            + " influxdb.tls.ca-file)",
                                    client.target(), e.getMessage()),
                            e);
                }
                problem = e.toString();
                ioFailure = e;
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            Duration wait =
                    retryPolicy.backoff(
                            attempt, retryAfter, ThreadLocalRandom.current().nextDouble());
            if (closed || !retryPolicy.mayRetry(attempt, elapsed, wait)) {
                throw new InfluxDbWriteException(
                        String.format(
                                "Gave up writing %d line(s) to %s after %d attempt(s) in %d ms:"
                                        + " %s",
                                count, client.target(), attempt, elapsed.toMillis(), problem),
                        ioFailure);
            }
            LOG.warn(
                    "Writing {} line(s) to {} failed (attempt {}): {}; retrying in {} ms",
                    count,
                    client.target(),
                    attempt,
                    problem,
                    wait.toMillis());
            retries.inc();
            Thread.sleep(wait.toMillis());
        }
    }

    private InfluxDbWriteException refused(WriteResponse response, List<InfluxDbLine> batch) {
        return refused(response, batch.size(), BatchLines.lines(batch));
    }

    private InfluxDbWriteException refused(WriteResponse response, int count, List<String> lines) {
        String hint = "";
        if (response.status == 401 || response.status == 403) {
            hint = " (check influxdb.username and the password or token)";
        } else if (response.status == 404) {
            hint = " (does the database exist? see influxdb.create-database)";
        } else if (response.status == 413) {
            hint = " (lower influxdb.batch.max-bytes or raise the server's max-body-size)";
        }
        return new InfluxDbWriteException(
                String.format(
                        "InfluxDB at %s refused %d line(s) with HTTP %d: %s%s. First lines: %s",
                        client.target(),
                        count,
                        response.status,
                        response.errorMessage(),
                        hint,
                        BatchLines.sample(lines)));
    }

    /** Stops retrying, stops the sender threads and closes the client. */
    void close() {
        closed = true;
        senders.shutdownNow();
        try {
            senders.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
