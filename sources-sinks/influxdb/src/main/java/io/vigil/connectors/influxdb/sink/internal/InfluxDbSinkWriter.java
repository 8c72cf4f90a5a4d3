package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.InfluxDbWriteException;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.connectors.influxdb.sink.UnrepresentablePointException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches points and sends them to InfluxDB on a bounded number of sender threads.
 *
 * <p>A batch is sent when it reaches its size limits, when the flush interval fires, and on {@link
 * #flush}, which Flink calls before every checkpoint barrier: flush returns only once every batch
 * is acknowledged by InfluxDB, so a completed checkpoint means its points are stored. When all
 * senders are busy (InfluxDB slow or down, retries under way) the task thread waits for one, which
 * back-pressures the pipeline. A failure that retries cannot mend is rethrown on the task thread at
 * the next write or flush and fails the job.
 */
public final class InfluxDbSinkWriter<T> implements SinkWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbSinkWriter.class);
    private static final int SAMPLE_LINES = 3;
    private static final int SAMPLE_LINE_CHARS = 300;

    private final InfluxDbPointConverter<T> converter;
    private final InfluxDbWriteClient client;
    private final ProcessingTimeService timeService;
    private final int maxPoints;
    private final long maxBytes;
    private final long flushIntervalMillis;
    private final int maxInFlight;
    private final RetryPolicy retryPolicy;
    private final DeadLetters deadLetters;

    private final ExecutorService senders;
    private final Semaphore inFlight;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;
    private Batch current = new Batch();

    private final Object metricsLock = new Object();
    private final Counter numRecordsSend;
    private final Counter numBytesSend;
    private final Counter numRecordsOutErrors;
    private final Counter pointsWritten;
    private final Counter batchesWritten;
    private final Counter bytesWritten;
    private final Counter retries;
    private final Counter failedPoints;
    private final Histogram writeLatency;
    private volatile long lastSendTimeMillis;

    public InfluxDbSinkWriter(
            InfluxDbPointConverter<T> converter,
            InfluxDbWriterSettings settings,
            InfluxDbWriteClient client,
            ProcessingTimeService timeService,
            SinkWriterMetricGroup metrics,
            int subtask) {
        this.converter = converter;
        this.client = client;
        this.timeService = timeService;
        this.maxPoints = settings.batchMaxPoints;
        this.maxBytes = settings.batchMaxBytes;
        this.flushIntervalMillis = settings.flushInterval.toMillis();
        this.maxInFlight = settings.maxInFlightBatches;
        this.retryPolicy = settings.retryPolicy;
        this.deadLetters = new DeadLetters(settings.deadLetterMeasurement, subtask);
        this.inFlight = new Semaphore(maxInFlight);
        AtomicInteger threadNumber = new AtomicInteger();
        this.senders =
                Executors.newFixedThreadPool(
                        maxInFlight,
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

        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
        this.numRecordsOutErrors = metrics.getNumRecordsOutErrorsCounter();
        metrics.setCurrentSendTimeGauge(() -> lastSendTimeMillis);
        MetricGroup group = metrics.addGroup("influxdb");
        this.pointsWritten = group.counter("pointsWritten", new ThreadSafeSimpleCounter());
        this.batchesWritten = group.counter("batchesWritten", new ThreadSafeSimpleCounter());
        this.bytesWritten = group.counter("bytesWritten", new ThreadSafeSimpleCounter());
        this.retries = group.counter("retries", new ThreadSafeSimpleCounter());
        this.failedPoints = group.counter("failedPoints", new ThreadSafeSimpleCounter());
        this.writeLatency =
                group.histogram("writeLatencyMs", new DescriptiveStatisticsHistogram(1000));

        if (flushIntervalMillis > 0) {
            scheduleFlushTimer();
        }
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        checkFailure();
        InfluxDbPoint point = converter.convert(element);
        try {
            current.add(LineProtocol.encode(point), point);
        } catch (UnrepresentablePointException e) {
            rejectUnrepresentable(point, e);
        }
        if (current.count() >= maxPoints || current.bytes() >= maxBytes) {
            submitCurrent();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        submitCurrent();
        // Taking every permit means no batch is left in flight.
        while (!inFlight.tryAcquire(maxInFlight, 100, TimeUnit.MILLISECONDS)) {
            checkFailure();
        }
        inFlight.release(maxInFlight);
        checkFailure();
    }

    private void rejectUnrepresentable(InfluxDbPoint point, UnrepresentablePointException e) {
        if (!deadLetters.enabled()) {
            throw new InfluxDbWriteException(
                    String.format(
                            "Cannot write %s to %s: %s (set influxdb.dead-letter-measurement to"
                                    + " route such points to dead letters)",
                            point, client.target(), e.getMessage()),
                    e);
        }
        current.addDeadLetter(
                deadLetters.line(point.measurement(), point.toString(), e.getMessage(), 1));
        countFailed(1);
    }

    private void scheduleFlushTimer() {
        timeService.registerTimer(
                timeService.getCurrentProcessingTime() + flushIntervalMillis,
                time -> onFlushTimer());
    }

    private void onFlushTimer() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        submitCurrent();
        scheduleFlushTimer();
    }

    private void submitCurrent() throws IOException, InterruptedException {
        checkFailure();
        if (current.isEmpty()) {
            return;
        }
        Batch batch = current;
        current = new Batch();
        while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            checkFailure();
        }
        try {
            senders.execute(
                    () -> {
                        try {
                            send(batch);
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        } finally {
                            inFlight.release();
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    private void checkFailure() throws IOException {
        Throwable t = failure.get();
        if (t instanceof InfluxDbWriteException) {
            throw new IOException(t.getMessage(), t);
        }
        if (t != null) {
            throw new IOException(
                    String.format("Writing to InfluxDB at %s failed: %s", client.target(), t), t);
        }
    }

    /** Runs on a sender thread. */
    private void send(Batch batch) throws InterruptedException {
        List<String> letters = new ArrayList<>(batch.deadLetters);
        if (batch.size() > 0) {
            Batch sent = batch;
            String body = String.join("\n", sent.lines);
            WriteResponse response = writeWithRetry(body, sent.lines);
            int rejected = 0;
            if (response.kind() == WriteResponse.Kind.CONFLICT_IN_BATCH) {
                sent = new Batch();
                rejected = splitConflictsInBatch(response, batch, sent, letters);
                body = String.join("\n", sent.lines);
                response = sent.size() == 0 ? null : writeWithRetry(body, sent.lines);
                if (response != null && response.kind() == WriteResponse.Kind.CONFLICT_IN_BATCH) {
                    throw refused(response, sent.lines);
                }
            }
            if (response != null && response.kind() == WriteResponse.Kind.PARTIAL) {
                rejected += collectRejected(response, sent, letters);
            }
            synchronized (metricsLock) {
                long written = batch.size() - rejected;
                long bytes = Batch.utf8Length(body);
                numRecordsSend.inc(written);
                pointsWritten.inc(written);
                numBytesSend.inc(bytes);
                bytesWritten.inc(bytes);
                batchesWritten.inc();
            }
        }
        if (!letters.isEmpty()) {
            WriteResponse response = writeWithRetry(String.join("\n", letters), letters);
            if (response.kind() == WriteResponse.Kind.PARTIAL) {
                throw new InfluxDbWriteException(
                        String.format(
                                "InfluxDB at %s rejected dead letters: %s. First lines: %s",
                                client.target(), response.errorMessage(), sample(letters)));
            }
        }
    }

    /**
     * Turns the points dropped by a partial write into dead letters. InfluxDB names only the first
     * conflict (field, measurement, existing type); every point of that measurement holding that
     * field with another type was dropped. Points dropped for other reasons cannot be told apart,
     * so one summary dead letter with their count stands for them; lines InfluxDB could not parse
     * are named in its message, one dead letter each.
     */
    private int collectRejected(WriteResponse response, Batch batch, List<String> letters) {
        String message = response.errorMessage();
        if (!deadLetters.enabled()) {
            throw new InfluxDbWriteException(
                    String.format(
                            "InfluxDB at %s dropped points: %s. First lines: %s (set"
                                    + " influxdb.dead-letter-measurement to route them to dead"
                                    + " letters)",
                            client.target(), message, sample(batch.lines)));
        }
        int identified = 0;
        String[] conflict = response.fieldTypeConflict();
        if (conflict != null) {
            String field = conflict[0];
            String measurement = conflict[1];
            String existingType = conflict[3];
            for (int i = 0; i < batch.points.size(); i++) {
                InfluxDbPoint point = batch.points.get(i);
                Object value = point.fields().get(field);
                if (value != null
                        && point.measurement().equals(measurement)
                        && !LineProtocol.fieldType(value).equals(existingType)) {
                    letters.add(deadLetters.line(measurement, batch.lines.get(i), message, 1));
                    identified++;
                }
            }
        }
        List<String> unparsable = response.unparsable();
        for (String problem : unparsable) {
            letters.add(deadLetters.line("", problem, "unable to parse", 1));
        }
        int dropped = response.droppedPoints();
        int unidentified =
                dropped < 0 ? (identified + unparsable.size() == 0 ? 1 : 0) : dropped - identified;
        if (unidentified > 0) {
            String topic = conflict != null ? conflict[1] : "";
            letters.add(deadLetters.line(topic, message, message, unidentified));
        }
        int rejected = identified + unparsable.size() + Math.max(unidentified, 0);
        LOG.warn(
                "InfluxDB at {} rejected {} point(s) of a batch of {}: {}; sent to dead letters",
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
     * with another type for it go to the dead letters and the others are kept to be sent again.
     */
    private int splitConflictsInBatch(
            WriteResponse response, Batch batch, Batch kept, List<String> letters) {
        if (!deadLetters.enabled()) {
            throw refused(response, batch.lines);
        }
        Map<String, String> typeOfField = new HashMap<>();
        int rejected = 0;
        for (int i = 0; i < batch.points.size(); i++) {
            InfluxDbPoint point = batch.points.get(i);
            boolean conflict = false;
            for (Map.Entry<String, Object> field : point.fields().entrySet()) {
                String known = typeOfField.get(point.measurement() + '\n' + field.getKey());
                conflict |=
                        known != null && !known.equals(LineProtocol.fieldType(field.getValue()));
            }
            if (conflict) {
                letters.add(
                        deadLetters.line(
                                point.measurement(),
                                batch.lines.get(i),
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
            kept.add(batch.lines.get(i), point);
        }
        if (rejected == 0) {
            throw refused(response, batch.lines);
        }
        LOG.warn(
                "InfluxDB at {} refused a batch of {} for a field type conflict within it; {}"
                        + " point(s) sent to dead letters, the rest sent again",
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

    /**
     * Sends until InfluxDB answers with success or a kind of rejection the caller handles; throws
     * when the answer is fatal or when retries run out.
     */
    private WriteResponse writeWithRetry(String body, List<String> lines)
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
                lastSendTimeMillis = millis;
                synchronized (metricsLock) {
                    writeLatency.update(millis);
                }
                switch (response.kind()) {
                    case SUCCESS:
                    case PARTIAL:
                    case CONFLICT_IN_BATCH:
                        return response;
                    case FATAL:
                        throw refused(response, lines);
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
                                lines.size(),
                                client.target(),
                                attempt,
                                elapsed.toMillis(),
                                problem),
                        ioFailure);
            }
            LOG.warn(
                    "Writing {} line(s) to {} failed (attempt {}): {}; retrying in {} ms",
                    lines.size(),
                    client.target(),
                    attempt,
                    problem,
                    wait.toMillis());
            retries.inc();
            Thread.sleep(wait.toMillis());
        }
    }

    private InfluxDbWriteException refused(WriteResponse response, List<String> lines) {
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
                        lines.size(),
                        response.status,
                        response.errorMessage(),
                        hint,
                        sample(lines)));
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
    public void close() throws Exception {
        closed = true;
        senders.shutdownNow();
        senders.awaitTermination(10, TimeUnit.SECONDS);
        client.close();
    }
}
