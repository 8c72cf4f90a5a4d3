package io.vigil.tools.simulator;

import io.vigil.tools.simulator.MqttFleetPublisher.Report;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * The counts of one {@link MqttFleetPublisher#publish} run, shared between the publishing thread,
 * the client's threads and the progress ticker, and the progress lines made of them.
 */
final class PublishProgress {
    final long total;
    final long startNanos = System.nanoTime();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private long lastSent;
    private long lastNanos = startNanos;

    PublishProgress(long total) {
        this.total = total;
    }

    void complete(Throwable error) {
        if (error == null) {
            acked.incrementAndGet();
        } else {
            failed.incrementAndGet();
            firstError.compareAndSet(
                    null, error instanceof CompletionException ? error.getCause() : error);
        }
    }

    /** One progress line; synchronized because it keeps the last interval's numbers. */
    synchronized String line(String prefix) {
        long now = System.nanoTime();
        long sentNow = sent.get();
        double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        double rate =
                prefix == null
                        ? (sentNow - lastSent) / seconds
                        : sentNow / Math.max(1e-9, (now - startNanos) / 1e9);
        lastSent = sentNow;
        lastNanos = now;
        return String.format(
                Locale.ROOT,
                "%s%5ds  sent %d/%d (%d%%)  acked %d  failed %d  %.1f msg/s%s",
                prefix == null ? "" : prefix + " ",
                TimeUnit.NANOSECONDS.toSeconds(now - startNanos),
                sentNow,
                total,
                total == 0 ? 100 : sentNow * 100 / total,
                acked.get(),
                failed.get(),
                rate,
                prefix == null ? "" : " on average");
    }

    Report report() {
        Throwable error = firstError.get();
        return new Report(
                total,
                sent.get(),
                acked.get(),
                failed.get(),
                Duration.ofNanos(System.nanoTime() - startNanos),
                error == null ? null : error.toString());
    }

    /** The report of the finished run, after its last progress line if there is a stream. */
    Report finish(PrintStream progress) {
        Report report = report();
        if (progress != null) {
            progress.println(line("done"));
        }
        return report;
    }

    /**
     * The failure of a run interrupted while {@code doing} (e.g. {@code "writing to <servers>"}),
     * naming the messages sent so far; sets the thread's interrupt flag again.
     */
    FlinkRuntimeException interrupted(String doing, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new FlinkRuntimeException(
                String.format("Interrupted while %s after %d messages", doing, sent.get()), e);
    }

    /** Prints a progress line every {@code interval}, if there is a stream to print to. */
    ScheduledExecutorService reportEvery(PrintStream progress, Duration interval) {
        ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread thread = new Thread(r, "simulator-progress");
                            thread.setDaemon(true);
                            return thread;
                        });
        if (progress != null) {
            long every = interval.toMillis();
            ticker.scheduleAtFixedRate(
                    () -> progress.println(line(null)), every, every, TimeUnit.MILLISECONDS);
        }
        return ticker;
    }
}
