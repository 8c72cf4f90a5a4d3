package io.vigil.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code vigil simulate --kafka} against a real Kafka broker. */
class KafkaFleetPublisherITCase {

    @RegisterExtension static final KafkaBroker KAFKA = KafkaBroker.builder().build();

    @Test
    void writesEveryMessageOnceWithItsMqttTopicAsKeyAndPayloadAsValue() throws Exception {
        KAFKA.createTopic("fleet", 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = {
            "--kafka", KAFKA.bootstrapServers(),
            "--kafka-topic", "fleet",
            "--sites", "1",
            "--devices", "10",
            "--duration", "5m",
            "--rate", "0",
            "--seed", "11",
            "--start", "1764316800000"
        };

        int exit =
                SimulatorCli.run(
                        args,
                        Map.of(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        SimulatorCli sameArgs = new SimulatorCli(Map.of(), System.out, System.err);
        new CommandLine(sameArgs).parseArgs(args);
        FleetSimulation simulation = FleetSimulation.generate(sameArgs.spec());
        assertThat(simulation.messages()).hasSizeGreaterThan(100);
        List<String> expected = new ArrayList<>();
        simulation.messages().forEach(m -> expected.add(m.topic() + " " + m.payloadText()));
        assertThat(readAll("fleet", expected.size())).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<String> readAll(String topic, int expected) {
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
                                ConsumerConfig.GROUP_ID_CONFIG, "check",
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // Reads on a little past the expected count, so that duplicates would show.
            int quietPolls = 0;
            while (System.nanoTime() < deadline && (records.size() < expected || quietPolls < 3)) {
                int before = records.size();
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    records.add(
                            new String(record.key(), StandardCharsets.UTF_8)
                                    + " "
                                    + new String(record.value(), StandardCharsets.UTF_8));
                }
                quietPolls = records.size() == before ? quietPolls + 1 : 0;
            }
        }
        return records;
    }
}
