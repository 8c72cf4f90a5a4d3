package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.testing.Await;
import io.vigil.testing.CollectingSink;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MqttTestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No loss across a failure, on Mosquitto and on HiveMQ: QoS 1 messages are published while a
 * checkpointed job reads them; the job fails once after some checkpoints and restores; every
 * message is seen at least once, and the duplicates are counted and reported.
 */
class MqttSourceFailoverITCase extends MqttBrokersTestBase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    static Stream<Arguments> brokersAndVersions() {
        return brokers()
                .flatMap(
                        broker ->
                                Stream.of(
                                        Arguments.of(broker, MqttProtocolVersion.MQTT_5, 1),
                                        Arguments.of(broker, MqttProtocolVersion.MQTT_3_1_1, 2)));
    }

    @ParameterizedTest(name = "{0}, {1} at parallelism {2}")
    @MethodSource("brokersAndVersions")
    void losesNothingWhenTheJobFailsAndRestores(
            MqttTestBroker broker, MqttProtocolVersion version, int parallelism) throws Exception {
        // HiveMQ sends a session at most 50 unacknowledged messages, so about 50 per completed
        // checkpoint (every 100 ms here): fewer messages keep its run short and still put the
        // failure in mid-stream.
        int messages = broker == HIVEMQ ? 1_500 : 10_000;
        String id = UUID.randomUUID().toString().substring(0, 8);
        String key = "failover-" + id;
        String topic = "it/failover/" + id;
        FailOnceMapper.reset();

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(100);
        MqttSource<MqttMessage> source =
                MqttSource.<MqttMessage>builder()
                        .setBrokerUris(broker.uri())
                        .setTopicFilters(topic)
                        .setQos(1)
                        .setProtocolVersion(version)
                        .setClientIdPrefix("failover-" + id)
                        .setDeserializer(MqttDeserializationSchema.raw())
                        .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "mqtt")
                .uid("mqtt")
                .map(new MqttTestJobs.TaggingMapper())
                .map(new FailOnceMapper(messages * 3 / 10))
                .sinkTo(new CollectingSink<>(key));

        JobClient job = env.executeAsync("failover");
        try {
            // HiveMQ may never give the second reader of a shared subscription a probe.
            MqttTestJobs.probeUntilSubscribed(
                    broker.publisher(), topic, key, broker == HIVEMQ ? 1 : parallelism);
            broker.publisher().publishMany(topic, "m", 0, messages, 1);
            Await.until(
                    () -> MqttTestJobs.payloads(key).stream().distinct().count() >= messages,
                    Duration.ofSeconds(120),
                    () -> stallReport(broker, key, id, messages));
        } finally {
            job.cancel().get();
        }

        List<String> payloads = MqttTestJobs.payloads(key);
        Map<String, Integer> counts = new HashMap<>();
        payloads.forEach(p -> counts.merge(p, 1, Integer::sum));
        long duplicates = payloads.size() - counts.size();
        System.out.printf(
                "MQTT failover (%s, %s, parallelism %d): %d messages published, %d distinct"
                        + " seen, %d records in total, %d duplicates after %d checkpoints before"
                        + " the failure%n",
                broker,
                version,
                parallelism,
                messages,
                counts.size(),
                payloads.size(),
                duplicates,
                FailOnceMapper.CHECKPOINTS_BEFORE_FAILURE.get());

        assertThat(FailOnceMapper.FAILED).as("the injected failure happened").isTrue();
        assertThat(FailOnceMapper.CHECKPOINTS_BEFORE_FAILURE.get()).isGreaterThanOrEqualTo(2);
        assertThat(counts.keySet())
                .containsExactlyInAnyOrder(MqttSourceReaderExpectations.expected("m", messages));
        assertThat(duplicates).isGreaterThanOrEqualTo(0).isLessThan(messages);
    }

    /**
     * What a stall leaves to go on: whether checkpoints kept completing (if not, the readers
     * acknowledged nothing, and a broker that waits for acknowledgements sends nothing more), which
     * subtasks read how much, and the broker's log lines of this test's clients.
     */
    private static String stallReport(MqttTestBroker broker, String key, String id, int messages) {
        Map<String, Long> perSubtask = new HashMap<>();
        MqttTestJobs.<String>results(key)
                .forEach(
                        tagged ->
                                perSubtask.merge(
                                        tagged.substring(0, tagged.indexOf('|')), 1L, Long::sum));
        String clientLines =
                broker.log()
                        .lines()
                        .filter(line -> line.contains(id))
                        .collect(Collectors.joining("\n"));
        return String.format(
                "saw %d distinct of %d, failed: %s, checkpoint notifications: %d, records per"
                        + " subtask (probes included): %s; broker log of this test's clients:%n%s",
                MqttTestJobs.payloads(key).stream().distinct().count(),
                messages,
                FailOnceMapper.FAILED.get(),
                FailOnceMapper.CHECKPOINTS.get(),
                perSubtask,
                clientLines);
    }

    /**
     * Fails the job once, after two completed checkpoints and a given number of records; slows the
     * pipeline a little so that the failure falls in the middle of the stream.
     */
    static final class FailOnceMapper implements MapFunction<String, String>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger CHECKPOINTS = new AtomicInteger();
        static final AtomicInteger CHECKPOINTS_BEFORE_FAILURE = new AtomicInteger();
        static final AtomicLong SEEN = new AtomicLong();

        private final long failAfter;

        FailOnceMapper(long failAfter) {
            this.failAfter = failAfter;
        }

        static void reset() {
            FAILED.set(false);
            CHECKPOINTS.set(0);
            CHECKPOINTS_BEFORE_FAILURE.set(0);
            SEEN.set(0);
        }

        @Override
        public String map(String value) throws Exception {
            long seen = SEEN.incrementAndGet();
            if (seen % 20 == 0) {
                Thread.sleep(1);
            }
            if (!FAILED.get()
                    && seen >= failAfter
                    && CHECKPOINTS.get() >= 2
                    && FAILED.compareAndSet(false, true)) {
                CHECKPOINTS_BEFORE_FAILURE.set(CHECKPOINTS.get());
                throw new IllegalStateException("Injected failure after " + seen + " records");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }
}
