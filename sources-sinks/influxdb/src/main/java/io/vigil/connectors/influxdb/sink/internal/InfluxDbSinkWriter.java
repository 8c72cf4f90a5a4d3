package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.connectors.influxdb.sink.InfluxDbWriteException;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.connectors.influxdb.sink.UnrepresentablePointException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.DequeRequestBuffer;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.SimpleBatchCreator;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of points to InfluxDB on Flink's {@link AsyncSinkWriter}, which buffers, cuts
 * batches by points, bytes and time, limits the requests in flight (back-pressuring the task when
 * all are busy) and waits for them before each checkpoint.
 *
 * <p>This class adds what is InfluxDB's own: each request runs on one of {@code
 * influxdb.max-in-flight-batches} sender threads and is retried there, with exponential backoff
 * that honours {@code Retry-After}, until InfluxDB acknowledges it, so it completes only once its
 * points are stored (or handed to the {@link InfluxDbRejectedPointHandler} and its replacement
 * points stored). Retrying inside the request, rather than through {@link
 * ResultHandler#retryForEntries}, keeps the backoff and keeps the request's in-flight slot taken
 * while InfluxDB is down. Errors that retries cannot mend fail the job with the server's message.
 * {@link #flush} sends what is buffered too, so a completed checkpoint means its points are stored.
 */
@Internal
public final class InfluxDbSinkWriter<T> extends AsyncSinkWriter<T, InfluxDbLine> {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbSinkWriter.class);
    private static final int SAMPLE_LINES = 3;
    private static final int SAMPLE_LINE_CHARS = 300;
    // The writer bounds each request itself (retry.max-duration), so Flink's request timeout,
    // which would send the batch again beside the running request, must never fire.
    private static final long NO_REQUEST_TIMEOUT_MS = Duration.ofDays(3650).toMillis();
    private static final long NO_FLUSH_INTERVAL_MS = Duration.ofDays(3650).toMillis();

    private final InfluxDbWriteClient client;
    private final InfluxDbRejectedPointHandler handler;
    private final long maxBytes;
    private final RetryPolicy retryPolicy;

    private final ExecutorService senders;
    private final AtomicReference<InfluxDbWriteException> failure = new AtomicReference<>();
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
        this.client = client;
        this.handler = handler;
        this.maxBytes = settings.batchMaxBytes;
        this.retryPolicy = settings.retryPolicy;
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
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
        SinkWriterMetricGroup metrics = context.metricGroup();
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
        senders.execute(
                () -> {
                    try {
                        send(entries);
                        resultHandler.complete();
                    } catch (Throwable t) {
                        InfluxDbWriteException e = asWriteException(t);
                        failure.compareAndSet(null, e);
                        resultHandler.completeExceptionally(e);
                    }
                });
    }

    private InfluxDbWriteException asWriteException(Throwable t) {
        if (t instanceof InfluxDbWriteException) {
            return (InfluxDbWriteException) t;
        }
        return new InfluxDbWriteException(
                String.format("Writing to InfluxDB at %s failed: %s", client.target(), t), t);
    }

    private void checkFailure() throws IOException {
        InfluxDbWriteException t = failure.get();
        if (t != null) {
            throw new IOException(t.getMessage(), t);
        }
    }

    /** Runs on a sender thread: writes the batch, then what the handler puts in rejected places. */
    private void send(List<InfluxDbLine> entries) throws InterruptedException {
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
        String body = body(batch);
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
                sample(List.of(response.errorMessage())));
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
                    lines.add(encodeReplacement(replacement, point));
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
                            client.target(), response.errorMessage(), sample(lines)));
        }
    }

    private static String encodeReplacement(InfluxDbPoint replacement, InfluxDbRejectedPoint of) {
        try {
            return LineProtocol.encode(replacement);
        } catch (UnrepresentablePointException e) {
            throw new InfluxDbWriteException(
                    String.format(
                            "The rejected-point handler returned %s for %s, which line protocol"
                                    + " cannot carry: %s",
                            replacement, of, e.getMessage()),
                    e);
        }
    }

    /**
     * Names the points dropped by a partial write. InfluxDB names only the first conflict (field,
     * measurement, existing type); every point of that measurement holding that field with another
     * type was dropped. Points dropped for other reasons cannot be told apart, so one summary
     * stands for them with their count; lines InfluxDB could not parse are named in its message,
     * one each.
     */
    private int collectRejected(
            WriteResponse response, List<InfluxDbLine> batch, List<InfluxDbRejectedPoint> out) {
        String message = response.errorMessage();
        if (handler == null) {
            throw new InfluxDbWriteException(
                    String.format(
                            "InfluxDB at %s dropped points: %s. First lines: %s (set"
                                    + " influxdb.dead-letter-measurement to hand them to the"
                                    + " rejected-point handler)",
                            client.target(), message, sample(lines(batch))));
        }
        int identified = 0;
        String[] conflict = response.fieldTypeConflict();
        if (conflict != null) {
            String field = conflict[0];
            String measurement = conflict[1];
            String existingType = conflict[3];
            for (InfluxDbLine entry : batch) {
                Object value = entry.point.fields().get(field);
                if (value != null
                        && entry.point.measurement().equals(measurement)
                        && !LineProtocol.fieldType(value).equals(existingType)) {
                    out.add(new InfluxDbRejectedPoint(measurement, entry.line, message, 1));
                    identified++;
                }
            }
        }
        List<String> unparsable = response.unparsable();
        for (String problem : unparsable) {
            out.add(new InfluxDbRejectedPoint("", problem, "unable to parse", 1));
        }
        int dropped = response.droppedPoints();
        int unidentified =
                dropped < 0 ? (identified + unparsable.size() == 0 ? 1 : 0) : dropped - identified;
        if (unidentified > 0) {
            String measurement = conflict != null ? conflict[1] : "";
            out.add(new InfluxDbRejectedPoint(measurement, message, message, unidentified));
        }
        int rejected = identified + unparsable.size() + Math.max(unidentified, 0);
        LOG.warn(
                "InfluxDB at {} rejected {} point(s) of a batch of {}: {}",
                client.target(),
                rejected,
                batch.size(),
                message);
        countFailed(rejected);
        return rejected;
    }

    /**
     * Splits a batch that InfluxDB refused because its points disagree on the type of a new field.
     * As InfluxDB would, the first point to use a field fixes its type; later points of the batch
     * with another type for it are rejected and the others are kept to be sent again.
     */
    private int splitConflictsInBatch(
            WriteResponse response,
            List<InfluxDbLine> batch,
            List<InfluxDbLine> kept,
            List<InfluxDbRejectedPoint> out) {
        if (handler == null) {
            throw refused(response, batch);
        }
        Map<String, String> typeOfField = new HashMap<>();
        int rejected = 0;
        for (InfluxDbLine entry : batch) {
            InfluxDbPoint point = entry.point;
            boolean conflict = false;
            for (Map.Entry<String, Object> field : point.fields().entrySet()) {
                String known = typeOfField.get(point.measurement() + '\n' + field.getKey());
                conflict |=
                        known != null && !known.equals(LineProtocol.fieldType(field.getValue()));
            }
            if (conflict) {
                out.add(
                        new InfluxDbRejectedPoint(
                                point.measurement(),
                                entry.line,
                                response.errorMessage() + " within one batch",
                                1));
                rejected++;
                continue;
            }
            for (Map.Entry<String, Object> field : point.fields().entrySet()) {
                typeOfField.putIfAbsent(
                        point.measurement() + '\n' + field.getKey(),
                        LineProtocol.fieldType(field.getValue()));
            }
            kept.add(entry);
        }
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
        return writeWithRetry(body, batch.size(), lines(batch));
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
        return refused(response, batch.size(), lines(batch));
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
                        sample(lines)));
    }

    private static String body(List<InfluxDbLine> batch) {
        StringBuilder body = new StringBuilder();
        for (InfluxDbLine entry : batch) {
            if (body.length() > 0) {
                body.append('\n');
            }
            body.append(entry.line);
        }
        return body.toString();
    }

    private static List<String> lines(List<InfluxDbLine> batch) {
        List<String> lines = new ArrayList<>(Math.min(batch.size(), SAMPLE_LINES + 1));
        for (InfluxDbLine entry : batch) {
            lines.add(entry.line);
        }
        return lines;
    }

    private static String sample(List<String> lines) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < Math.min(SAMPLE_LINES, lines.size()); i++) {
            String line = lines.get(i);
            out.append(i == 0 ? "" : ", ")
                    .append(
                            line.length() > SAMPLE_LINE_CHARS
                                    ? line.substring(0, SAMPLE_LINE_CHARS) + "..."
                                    : line);
        }
        if (lines.size() > SAMPLE_LINES) {
            out.append(", ... ").append(lines.size() - SAMPLE_LINES).append(" more");
        }
        return out.append(']').toString();
    }

    @Override
    public void close() {
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
