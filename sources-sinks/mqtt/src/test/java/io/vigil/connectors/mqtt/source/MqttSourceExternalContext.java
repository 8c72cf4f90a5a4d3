package io.vigil.connectors.mqtt.source;

import io.vigil.testing.MosquittoTestPublisher;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;

/**
 * Flink's connector test framework view of MQTT: test split {@code i} is the topic {@code
 * suite/{context}/{i}}, the source subscribes to {@code suite/{context}/+}.
 *
 * <p>The framework writes test data before it starts the job, but an MQTT broker keeps messages
 * only for subscriptions that exist. So a writer holds its records back until a probe message has
 * gone through the source (the deserializer notes it and drops it), then publishes them; once the
 * source has subscribed, its persistent sessions keep whatever is published while the job is down
 * (between a savepoint and the restore, or during a TaskManager failover).
 */
final class MqttSourceExternalContext implements DataStreamSourceExternalContext<String> {

    private static final Set<String> SUBSCRIBED = ConcurrentHashMap.newKeySet();
    private static final String PROBE = "probe";

    private final String brokerUri;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final MosquittoTestPublisher publisher;
    private final ExecutorService publishing = Executors.newSingleThreadExecutor();
    private final List<Future<?>> pending = new ArrayList<>();

    MqttSourceExternalContext(String brokerUri) {
        this.brokerUri = brokerUri;
        this.publisher = MosquittoTestPublisher.connect(brokerUri);
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
        if (settings.getBoundedness() == Boundedness.BOUNDED) {
            throw new UnsupportedOperationException(
                    "An MQTT subscription has no end: the MQTT source is unbounded only");
        }
        return MqttSource.<String>builder()
                .setBrokerUris(brokerUri)
                .setTopicFilters("suite/" + id + "/+")
                .setClientIdPrefix("suite-" + id)
                // The same subscription at every parallelism, so that the sessions made at one
                // parallelism serve the job restored at another.
                .set(MqttSourceOptions.SHARED_SUBSCRIPTION_ALWAYS, true)
                .setDeserializer(new DropProbes(id))
                .build();
    }

    @Override
    public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(
            TestingSourceSettings settings) {
        int split = nextSplit++;
        String topic = "suite/" + id + "/" + split;
        return new ExternalSystemSplitDataWriter<String>() {
            @Override
            public void writeRecords(List<String> records) {
                pending.add(publishing.submit(() -> publishWhenSubscribed(topic, records)));
            }

            @Override
            public void close() {}
        };
    }

    private int nextSplit;

    private void publishWhenSubscribed(String topic, List<String> records) {
        try {
            for (int i = 0; !SUBSCRIBED.contains(id); i++) {
                publisher.publish("suite/" + id + "/" + PROBE, PROBE + "-" + i, 1);
                Thread.sleep(100);
            }
            for (String record : records) {
                publisher.publish(topic, record, 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<String> generateTestData(
            TestingSourceSettings settings, int splitIndex, long seed) {
        Random random = new Random(seed);
        List<String> records = new ArrayList<>();
        int count = 50 + random.nextInt(50);
        for (int i = 0; i < count; i++) {
            records.add("split-" + splitIndex + "-" + Long.toHexString(seed) + "-" + i);
        }
        return records;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }

    @Override
    public void close() throws Exception {
        publishing.shutdownNow();
        publisher.close();
        SUBSCRIBED.remove(id);
    }

    @Override
    public String toString() {
        return "MQTT (Mosquitto)";
    }

    /** Emits payloads as text, drops probes and notes that they came through. */
    static final class DropProbes implements MqttDeserializationSchema<String> {
        private static final long serialVersionUID = 1L;
        private final String contextId;

        DropProbes(String contextId) {
            this.contextId = contextId;
        }

        @Override
        public String deserialize(MqttMessage message) {
            if (message.getTopic().endsWith("/" + PROBE)) {
                SUBSCRIBED.add(contextId);
                return null;
            }
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
