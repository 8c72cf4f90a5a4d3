package io.vigil.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.testing.FreePorts;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.MosquittoTestSubscriber;
import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
import io.vigil.tools.simulator.MqttFleetPublisher.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FlinkRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Publishes simulations to a real Mosquitto broker, started by this test on a loopback port. */
class MqttFleetPublisherITCase {

    /** An anonymous listener and a second one that asks for a user name and password. */
    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder()
                    .withPasswordListener("sim", "s3cret")
                    .withoutPersistence()
                    .build();

    private static String broker;
    private static String securedBroker;

    private MosquittoTestSubscriber subscriber;

    @TempDir Path dir;

    @BeforeEach
    void subscribe() throws Exception {
        broker = BROKER.uri();
        securedBroker = BROKER.passwordUri();
        subscriber = MosquittoTestSubscriber.subscribe(broker, "sensors/#");
    }

    @AfterEach
    void unsubscribe() throws Exception {
        subscriber.close();
    }

    private static FleetSimulation smallFleet() {
        return FleetSimulation.generate(
                SimulationSpec.builder()
                        .setDevicesPerSite(4)
                        .setDuration(Duration.ofMinutes(2))
                        .setSeed(3)
                        .setBursts(1)
                        .setDrifts(0)
                        .setSilences(0)
                        .setMalformedShare(0.05)
                        .build());
    }

    @Test
    void publishesEveryMessageOfASimulationWithQos1AndMqtt5() throws Exception {
        FleetSimulation simulation = smallFleet();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        Report report =
                MqttFleetPublisher.builder()
                        .setBrokerUri(broker)
                        .setClientId("vigil-sim-it-5")
                        .setPacing(Pacing.unlimited())
                        .setMaxInFlight(50)
                        .setProgress(new PrintStream(progress, true, StandardCharsets.UTF_8))
                        .build()
                        .publish(simulation);

        assertThat(report.isComplete()).as("%s", report).isTrue();
        assertThat(report.acked()).isEqualTo(simulation.messages().size());
        assertThat(simulation.messages()).anyMatch(SimulatedMessage::isMalformed);
        assertReceivedExactly(simulation.messages());
        assertThat(progress.toString(StandardCharsets.UTF_8))
                .contains("connected to " + broker + " (MQTT 5, QoS 1)")
                .containsPattern(
                        String.format(
                                "done +\\d+s  sent %1$d/%1$d \\(100%%\\)  acked %1$d  failed 0",
                                simulation.messages().size()));
    }

    @Test
    void pacesAFixedRateWithMqtt311AndQos0() throws Exception {
        List<SimulatedMessage> messages = smallFleet().messages().subList(0, 30);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        long start = System.nanoTime();
        Report report =
                MqttFleetPublisher.builder()
                        .setBrokerUri(broker)
                        .setClientId("vigil-sim-it-3")
                        .setMqttVersion(3)
                        .setQos(0)
                        .setPacing(Pacing.perSecond(100))
                        .setProgress(new PrintStream(progress, true, StandardCharsets.UTF_8))
                        .setProgressInterval(Duration.ofMillis(100))
                        .build()
                        .publish(messages);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(report.isComplete()).as("%s", report).isTrue();
        // 30 messages at 100 per second: the last one is due 290 ms after the first.
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(290);
        assertReceivedExactly(messages);
        assertThat(progress.toString(StandardCharsets.UTF_8))
                .contains("(MQTT 3.1.1, QoS 0)")
                .containsPattern("\\n +0s  sent \\d+/30 \\(\\d+%\\)  acked \\d+  failed 0");
    }

    @Test
    void followsEventTimeInRealTime() throws Exception {
        List<SimulatedMessage> all = smallFleet().messages();
        long first = all.get(0).eventTime();
        List<SimulatedMessage> messages =
                all.stream().filter(m -> m.eventTime() - first <= 600).toList();

        long start = System.nanoTime();
        Report report =
                MqttFleetPublisher.builder()
                        .setBrokerUri(broker)
                        .setClientId("vigil-sim-it-rt")
                        .setPacing(Pacing.realTime())
                        .build()
                        .publish(messages);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        long span = messages.get(messages.size() - 1).eventTime() - first;
        assertThat(span).isGreaterThan(300);
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(span);
        assertThat(report.isComplete()).isTrue();
        assertReceivedExactly(messages);
    }

    @Test
    void theCommandPublishesAndWritesTheLabels() throws Exception {
        Path labels = dir.resolve("labels.jsonl");

        CliRun run =
                simulate(
                        Map.of(),
                        "--broker",
                        broker,
                        "--devices",
                        "4",
                        "--duration",
                        "2m",
                        "--start",
                        "2025-11-28T08:00:00Z",
                        "--seed",
                        "3",
                        "--anomalies",
                        "bursts=1,drifts=0,silences=0,malformed=0.05",
                        "--rate",
                        "0",
                        "--client-id",
                        "vigil-sim-it-cli",
                        "--labels",
                        labels.toString());

        assertThat(run.code()).as(run.err()).isZero();
        FleetSimulation expected = smallFleet();
        assertReceivedExactly(expected.messages());
        assertThat(LabelsFile.read(labels)).isEqualTo(expected.episodes());
        assertThat(run.out()).contains("done");
    }

    @Test
    void failsClearlyWhenNoBrokerListens() throws Exception {
        String nowhere = "tcp://127.0.0.1:" + FreePorts.next();
        MqttFleetPublisher publisher =
                MqttFleetPublisher.builder()
                        .setBrokerUri(nowhere)
                        .setConnectTimeout(Duration.ofSeconds(5))
                        .build();

        assertThatThrownBy(() -> publisher.publish(smallFleet()))
                .isInstanceOf(FlinkRuntimeException.class)
                .hasMessageContaining("Cannot connect to " + nowhere);
        CliRun run =
                simulate(
                        Map.of(SimulatorCli.PASSWORD_ENV, "secret"),
                        "--broker",
                        nowhere,
                        "--rate",
                        "0",
                        "--username",
                        "sim");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("Cannot connect to " + nowhere).doesNotContain("secret");
    }

    @Test
    void logsInWithTheUserNameAndThePasswordFromTheEnvironment() throws Exception {
        List<SimulatedMessage> messages = smallFleet().messages().subList(0, 20);

        Report report =
                MqttFleetPublisher.builder()
                        .setBrokerUri(securedBroker)
                        .setClientId("vigil-sim-it-auth")
                        .setMqttVersion(3)
                        .setUsername("sim")
                        .setPassword("s3cret")
                        .setPacing(Pacing.unlimited())
                        .build()
                        .publish(messages);
        CliRun run =
                simulateOnTheSecuredBroker("s3cret", "bursts=0,drifts=0,silences=0,malformed=0");

        assertThat(report.isComplete()).isTrue();
        assertThat(run.code()).as(run.err()).isZero();
    }

    @Test
    void failsWithExitCodeOneOnAWrongPassword() {
        CliRun run = simulateOnTheSecuredBroker("wrong", "bursts=0,drifts=0,silences=0");

        assertThat(run.code()).as(run.err()).isEqualTo(1);
        assertThat(run.err())
                .contains("Cannot connect to " + securedBroker)
                .doesNotContain("wrong");
    }

    /** The exit code and the output of one run of the simulate command. */
    private record CliRun(int code, String out, String err) {}

    private static CliRun simulate(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                SimulatorCli.run(
                        args,
                        env,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A small fleet to the password listener as user sim, with this password. */
    private static CliRun simulateOnTheSecuredBroker(String password, String anomalies) {
        return simulate(
                Map.of(SimulatorCli.PASSWORD_ENV, password),
                "--broker",
                securedBroker,
                "--rate",
                "0",
                "--username",
                "sim",
                "--duration",
                "2m",
                "--devices",
                "2",
                "--anomalies",
                anomalies);
    }

    private void assertReceivedExactly(List<SimulatedMessage> messages)
            throws InterruptedException {
        subscriber.await(messages.size(), Duration.ofSeconds(10));
        Thread.sleep(100); // catches any duplicate or stray message arriving late
        List<List<String>> expected =
                messages.stream().map(m -> List.of(m.topic(), m.payloadText())).toList();
        assertThat(subscriber.received().stream().map(r -> List.of(r.topic(), r.payload())))
                .containsExactlyInAnyOrderElementsOf(expected);
    }
}
