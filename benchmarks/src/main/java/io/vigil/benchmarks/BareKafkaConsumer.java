package io.vigil.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The baseline consumer of the Kafka figure: a plain {@code KafkaConsumer} with Kafka's default
 * fetch settings, assigned every partition of the topic from the beginning (no consumer group, as
 * Flink's Kafka source reads), on a thread of its own, counting the records and when the first and
 * the last batch arrived.
 */
final class BareKafkaConsumer implements AutoCloseable {

    private final Thread thread;
    private final AtomicLong received = new AtomicLong();
    private volatile long firstNanos;
    private volatile long firstCount;
    private volatile long lastNanos;
    private volatile RuntimeException failure;
    private volatile boolean stop;

    BareKafkaConsumer(String bootstrapServers, String topic, int partitions) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false);
        thread =
                new Thread(
                        () -> {
                            try (KafkaConsumer<byte[], byte[]> consumer =
                                    new KafkaConsumer<>(
                                            config,
                                            new ByteArrayDeserializer(),
                                            new ByteArrayDeserializer())) {
                                List<TopicPartition> assigned =
                                        IntStream.range(0, partitions)
                                                .mapToObj(p -> new TopicPartition(topic, p))
                                                .toList();
                                consumer.assign(assigned);
                                consumer.seekToBeginning(assigned);
                                while (!stop) {
                                    ConsumerRecords<byte[], byte[]> records =
                                            consumer.poll(Duration.ofMillis(100));
                                    if (!records.isEmpty()) {
                                        long now = System.nanoTime();
                                        if (received.get() == 0) {
                                            firstNanos = now;
                                            firstCount = records.count();
                                        }
                                        received.addAndGet(records.count());
                                        lastNanos = now;
                                    }
                                }
                            } catch (RuntimeException e) {
                                failure = e;
                            }
                        },
                        "bare-kafka-consumer");
        thread.start();
    }

    /** Records received so far; throws what ended the consumer, if anything did. */
    long received() {
        if (failure != null) {
            throw failure;
        }
        return received.get();
    }

    /** When the first batch of records arrived ({@link System#nanoTime()}). */
    long firstNanos() {
        return firstNanos;
    }

    /** Records in the first batch. */
    long firstCount() {
        return firstCount;
    }

    /** When the last batch of records arrived ({@link System#nanoTime()}). */
    long lastNanos() {
        return lastNanos;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }
}
