package io.vigil.benchmarks;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes QoS 1 messages at a fixed rate or at given wall-clock times (MQTT 3.1.1, HiveMQ client,
 * at most 2 000 unacknowledged), and records when each message went out.
 */
final class PacedPublisher implements AutoCloseable {

    /** The message to send {@code index}, made when it is due. */
    interface Messages {
        String topic(long index);

        byte[] payload(long index, long wallMillis);
    }

    private final Mqtt3AsyncClient client;
    private final Semaphore window = new Semaphore(2000);
    private final AtomicLong failed = new AtomicLong();
    private volatile long startedAtMillis;

    PacedPublisher(int port) {
        client =
                MqttClient.builder()
                        .useMqttVersion3()
                        .identifier("bench-publisher")
                        .serverHost("127.0.0.1")
                        .serverPort(port)
                        .buildAsync();
        client.connectWith().cleanSession(true).send().join();
    }

    /**
     * Sends {@code count} messages, message {@code i} due {@code dueNanos[i]} after the start (or
     * {@code i / rate} seconds when {@code dueNanos} is null); returns when each was sent, in
     * nanoseconds since the start.
     */
    long[] publish(long count, double rate, long[] dueNanos, Messages messages)
            throws InterruptedException {
        long[] sentAt = new long[(int) count];
        long start = System.nanoTime();
        startedAtMillis = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            long due = dueNanos != null ? dueNanos[i] : (long) (i * 1e9 / rate);
            long wait = start + due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            window.acquire();
            sentAt[i] = System.nanoTime() - start;
            client.publishWith()
                    .topic(messages.topic(i))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(messages.payload(i, System.currentTimeMillis()))
                    .send()
                    .whenComplete(
                            (ack, error) -> {
                                if (error != null) {
                                    failed.incrementAndGet();
                                }
                                window.release();
                            });
        }
        window.tryAcquire(2000, 60, TimeUnit.SECONDS);
        window.release(2000);
        return sentAt;
    }

    /** The wall-clock time at which the last {@link #publish} started: its times count from it. */
    long startedAtMillis() {
        return startedAtMillis;
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        client.disconnect().join();
    }
}
