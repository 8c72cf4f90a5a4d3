package io.vigil.connectors.mqtt.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.Await;
import io.vigil.testing.LogCapture;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MqttFaultProxy;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No thread of a job's MQTT clients outlives the job (issue 15): the source's and the sink's
 * clients lose the broker and are reconnecting when the job is cancelled; afterwards none of their
 * threads runs and none of them comes back to the broker. Before, HiveMQ's event loop kept running
 * the scheduled reconnects, in the closed user class loader of a real cluster, and took over the
 * sessions of the job's successor.
 */
class MqttClientsEndWithTheJobITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @RegisterExtension static final MosquittoExtension BROKER = new MosquittoExtension();

    @Test
    void noClientThreadOutlivesACancelledJobThatWasReconnecting() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        String id = UUID.randomUUID().toString().substring(0, 8);
        try (MqttFaultProxy proxy = MqttFaultProxy.to(BROKER.uri());
                LogCapture log = LogCapture.start(Level.INFO)) {
            Configuration job = new Configuration();
            job.setString("mqtt.broker-uris", proxy.uri());
            job.setString("mqtt.topic-filters", "in/" + id + "/#");
            job.setString("mqtt.client-id-prefix", "ends-" + id);
            job.setString("mqtt.reconnect.initial-backoff", "100 ms");
            job.setString("mqtt.reconnect.max-backoff", "300 ms");
            job.setString("mqtt.connect-timeout", "2 s");

            StreamExecutionEnvironment env = MqttSinkITCase.environment(1);
            MqttSinkITCase.forwardInToOut(env, job);
            JobClient client = env.executeAsync("mqtt clients end with the job");

            // Both clients connected and the source subscribed (its SUBACK came), so that the cut
            // always makes both reconnect. Their log lines say so; a probe message through the job
            // would start client threads of the test's own, which outlive it.
            Await.until(
                    () ->
                            log.hasLineStartingWith("MQTT client ends-" + id + "-0 connected")
                                    && log.hasLineStartingWith(
                                            "MQTT publisher ends-" + id + "-publisher-0 connected"),
                    Duration.ofSeconds(60),
                    () ->
                            "source subscribed and sink connected: "
                                    + proxy.openConnections()
                                    + " open of "
                                    + proxy.accepted());
            proxy.cut();
            int acceptedAtCut = proxy.accepted();
            Await.until(
                    () -> proxy.accepted() >= acceptedAtCut + 2,
                    Duration.ofSeconds(30),
                    () ->
                            "reconnect attempts after the cut: "
                                    + (proxy.accepted() - acceptedAtCut));

            client.cancel().get();
            Await.until(
                    () -> client.getJobStatus().get() == JobStatus.CANCELED,
                    Duration.ofSeconds(60),
                    () -> "job cancelled");
            // A client that outlived its task would now reconnect.
            proxy.heal();

            Await.until(
                    () -> clientThreadsStartedSince(before).isEmpty(),
                    Duration.ofSeconds(30),
                    () -> "MQTT client threads still alive: " + clientThreadsStartedSince(before));
            assertThat(proxy.openConnections()).as("connections to the broker").isZero();
        }
    }

    /** Threads of HiveMQ clients, by HiveMQ's default names or the connector's, started since. */
    private static List<String> clientThreadsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .filter(
                        name ->
                                name.startsWith("com.hivemq.client.mqtt")
                                        || name.startsWith("vigil-mqtt-")
                                        || name.startsWith("RxComputationThreadPool"))
                .collect(Collectors.toList());
    }
}
