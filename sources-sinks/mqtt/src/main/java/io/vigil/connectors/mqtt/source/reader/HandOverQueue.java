package io.vigil.connectors.mqtt.source.reader;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.flink.annotation.Internal;

/**
 * The bounded queue between the MQTT client threads and the reader thread, with the availability
 * future that wakes the reader. Producers normally never meet a full queue because the clients only
 * receive what the reader asked for; if they do, they wait, they never drop.
 */
@Internal
final class HandOverQueue<E> {

    private final ArrayBlockingQueue<E> queue;
    private final Object lock = new Object();
    private CompletableFuture<Void> availability = new CompletableFuture<>();
    private final AtomicLong waits = new AtomicLong();

    HandOverQueue(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Adds an element, waiting while the queue is full; returns false when {@code stop} turned true
     * before there was room.
     */
    boolean put(E element, BooleanSupplier stop) throws InterruptedException {
        boolean waited = false;
        while (!queue.offer(element, waited ? 100 : 0, TimeUnit.MILLISECONDS)) {
            if (!waited) {
                waits.incrementAndGet();
                waited = true;
            }
            if (stop.getAsBoolean()) {
                return false;
            }
        }
        wakeUp();
        return true;
    }

    /** How often a producer found the queue full and had to wait. */
    long waits() {
        return waits.get();
    }

    E poll() {
        return queue.poll();
    }

    int size() {
        return queue.size();
    }

    int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    /** Completes the future the reader waits on. */
    void wakeUp() {
        CompletableFuture<Void> current;
        synchronized (lock) {
            current = availability;
        }
        current.complete(null);
    }

    /** A future that completes when an element is (or may be) there. */
    CompletableFuture<Void> availability() {
        synchronized (lock) {
            if (availability.isDone()) {
                availability = new CompletableFuture<>();
            }
            if (!queue.isEmpty()) {
                availability.complete(null);
            }
            return availability;
        }
    }
}
