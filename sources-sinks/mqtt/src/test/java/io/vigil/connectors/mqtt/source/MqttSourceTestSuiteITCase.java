package io.vigil.connectors.mqtt.source;

import io.vigil.testing.MosquittoExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.connector.testframe.utils.CollectIteratorAssertions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flink's own source test suite against Mosquitto, at the semantics the source gives:
 * at-least-once.
 *
 * <p>Cases that cannot apply to MQTT are aborted by the suite itself, because {@link
 * MqttSourceExternalContext#createSource} refuses a bounded source: "single split", "multiple
 * splits" and "idle reader" need a source that ends, and an MQTT subscription never ends. The
 * savepoint, scale-up, scale-down, metrics and TaskManager-failure cases run.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MqttSourceTestSuiteITCase extends SourceTestSuiteBase<String> {

    @RegisterExtension static final MosquittoExtension BROKER = new MosquittoExtension();

    @TestEnv
    final MiniClusterTestEnvironment flink =
            new MiniClusterTestEnvironment(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(6)
                            .build());

    @TestContext
    final ExternalContextFactory<MqttSourceExternalContext> mqtt =
            testName -> new MqttSourceExternalContext(BROKER.uri());

    @TestSemantics
    final CheckpointingMode[] semantics = new CheckpointingMode[] {CheckpointingMode.AT_LEAST_ONCE};

    /**
     * Compares without order across a test split: MQTT keeps the order of one topic for one
     * subscriber, but a shared subscription deals one topic's messages out to several readers, and
     * a redelivered message comes again after later ones.
     */
    @Override
    protected void checkResultWithSemantic(
            CloseableIterator<String> resultIterator,
            List<List<String>> testData,
            CheckpointingMode semantic,
            Integer limit) {
        Runnable check =
                () -> {
                    if (limit == null) {
                        CollectIteratorAssertions.assertUnordered(resultIterator)
                                .matchesRecordsFromSource(testData, semantic);
                    } else {
                        CollectIteratorAssertions.assertUnordered(resultIterator)
                                .withNumRecordsLimit(limit)
                                .matchesRecordsFromSource(testData, semantic);
                    }
                };
        try {
            CompletableFuture.runAsync(check).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("The source did not deliver the test data", e);
        }
    }
}
