package io.vigil.tools.simulator;

import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
import io.vigil.tools.simulator.MqttFleetPublisher.Report;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a simulated fleet to Kafka as an MQTT-to-Kafka bridge does: one record per MQTT message,
 * the MQTT topic as the key (UTF-8), the payload as the value, the producer's clock as the record
 * timestamp. Idempotent and {@code acks=all}, so each message is in the topic exactly once.
 *
 * <pre>{@code
 * Report report =
 *         KafkaFleetPublisher.builder()
 *                 .setBootstrapServers("localhost:9092")
 *                 .setTopic("mqtt-sensors")
 *                 .build()
 *                 .publish(simulation.messages());
 * }</pre>
 */
public final class KafkaFleetPublisher {

    private final String bootstrapServers;
    private final String topic;
    private final Pacing pacing;
    private final Duration timeout;
    private final PrintStream progress;

    private KafkaFleetPublisher(Builder builder) {
        if (builder.bootstrapServers == null || builder.bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required");
        }
        if (builder.topic == null || builder.topic.isBlank()) {
            throw new IllegalArgumentException("A Kafka topic is required");
        }
        this.bootstrapServers = builder.bootstrapServers;
        this.topic = builder.topic;
        this.pacing = builder.pacing;
        this.timeout = builder.timeout;
        this.progress = builder.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the publisher. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic;
        private Pacing pacing = Pacing.unlimited();
        private Duration timeout = Duration.ofMinutes(1);
        private PrintStream progress;

        private Builder() {}

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder setPacing(Pacing pacing) {
            this.pacing = pacing;
            return this;
        }

        /** How long to wait for the last acknowledgements. */
        public Builder setTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Where to print progress; null for none. */
        public Builder setProgress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        public KafkaFleetPublisher build() {
            return new KafkaFleetPublisher(this);
        }
    }

    public Report publish(FleetSimulation simulation) {
        return publish(simulation.messages());
    }

    /** Writes the messages in list order and waits until Kafka has acknowledged them. */
    public Report publish(List<SimulatedMessage> messages) {
        PublishProgress counters = new PublishProgress(messages.size());
        ScheduledExecutorService ticker = counters.reportEvery(progress, Duration.ofSeconds(1));
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        (int) timeout.toMillis(),
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        (int) Math.min(timeout.toMillis(), 30_000),
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        timeout.toMillis());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (progress != null) {
                progress.printf("writing to Kafka %s, topic %s%n", bootstrapServers, topic);
            }
            long startNanos = System.nanoTime();
            long firstEventTime = messages.isEmpty() ? 0 : messages.get(0).eventTime();
            for (int i = 0; i < messages.size(); i++) {
                SimulatedMessage message = messages.get(i);
                pacing.awaitTurn(startNanos, i, message.eventTime() - firstEventTime);
                counters.sent.incrementAndGet();
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                message.topic().getBytes(StandardCharsets.UTF_8),
                                message.payload()),
                        (metadata, error) -> counters.complete(error));
            }
            producer.flush();
            return counters.finish(progress);
        } catch (InterruptedException e) {
            throw counters.interrupted("writing to " + bootstrapServers, e);
        } catch (KafkaException e) {
            throw new FlinkRuntimeException(
                    String.format("Cannot write to Kafka at %s: %s", bootstrapServers, e), e);
        } finally {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
