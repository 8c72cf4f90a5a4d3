package io.vigil.connectors.mqtt.connection;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import io.reactivex.schedulers.Schedulers;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.annotation.Internal;

/**
 * The threads of one {@link MqttConnection}'s HiveMQ clients, owned by the connection instead of
 * HiveMQ's JVM-wide defaults (a shared Netty event loop group and RxJava's computation pool), so
 * that closing the connection can wait for them to end: a thread of a job's client that outlives
 * its task runs code of a closed user class loader and may reconnect the client with the session of
 * the job's successor. Threads are named {@code vigil-mqtt-<client id>-...}.
 */
@Internal
final class MqttClientThreads {

    /** Name prefix of every thread of a connection's clients. */
    static final String THREAD_NAME_PREFIX = "vigil-mqtt-";

    private final String name;
    // Runs the client's Netty event loop; HiveMQ builds the event loop group on it (of the type its
    // channel needs) and shuts the group down once no client or flow uses it any more.
    private final ExecutorService eventLoops;
    // HiveMQ's application scheduler (completions, received messages) and the reconnect timers.
    private final ScheduledThreadPoolExecutor callbacks;

    MqttClientThreads(String clientId) {
        this.name = THREAD_NAME_PREFIX + clientId;
        this.eventLoops = Executors.newCachedThreadPool(named(name + "-netty-"));
        this.callbacks = new ScheduledThreadPoolExecutor(1, named(name + "-callbacks-"));
        callbacks.setRemoveOnCancelPolicy(true);
    }

    /** The executors for a client of this connection, one event loop thread. */
    MqttClientExecutorConfig executorConfig() {
        return MqttClientExecutorConfig.builder()
                .nettyExecutor(eventLoops)
                .nettyThreads(1)
                .applicationScheduler(Schedulers.from(callbacks))
                .build();
    }

    /** For timers of the connection, on the callback thread. */
    ScheduledExecutorService timers() {
        return callbacks;
    }

    /**
     * Waits up to {@code timeout} for the event loop thread to end (it ends once the clients are
     * disconnected and their flows cancelled), then stops the callback thread and waits for it too.
     * An interrupt does not cut the wait short; it is kept for the caller.
     *
     * @return whether every thread ended
     */
    boolean shutDownAndAwait(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        eventLoops.shutdown();
        boolean eventLoopsEnded = awaitUninterruptibly(eventLoops, deadline);
        callbacks.shutdownNow();
        boolean callbacksEnded = awaitUninterruptibly(callbacks, deadline);
        return eventLoopsEnded && callbacksEnded;
    }

    private static boolean awaitUninterruptibly(ExecutorService executor, long deadline) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return executor.awaitTermination(
                            Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
