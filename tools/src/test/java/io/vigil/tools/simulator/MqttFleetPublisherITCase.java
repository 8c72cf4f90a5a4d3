package io.vigil.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.vigil.tools.simulator.MqttFleetPublisher.Pacing;
import io.vigil.tools.simulator.MqttFleetPublisher.Report;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FlinkRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishes simulations to a real Mosquitto broker, started by this test on a loopback port. */
class MqttFleetPublisherITCase {

    private static Process mosquitto;
    private static Path mosquittoDir;
    private static int port;
    private static String broker;

    /** A second listener that asks for a user name and password. */
    private static String securedBroker;

    private Mqtt5AsyncClient subscriber;
    private final Queue<List<String>> received = new ConcurrentLinkedQueue<>();

    @TempDir Path dir;

    @BeforeAll
    static void startMosquitto() throws Exception {
        mosquittoDir = Files.createTempDirectory("vigil-sim-mosquitto");
        port = freePort();
        int securedPort = freePort();
        broker = "tcp://127.0.0.1:" + port;
        securedBroker = "tcp://127.0.0.1:" + securedPort;
        Path passwords = mosquittoDir.resolve("passwd");
        Process passwd =
                new ProcessBuilder(
                                "mosquitto_passwd",
                                "-c",
                                "-b",
                                passwords.toString(),
                                "sim",
                                "s3cret")
                        .redirectErrorStream(true)
                        .start();
        assertThat(passwd.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(passwd.exitValue()).isZero();
        Path config = mosquittoDir.resolve("mosquitto.conf");
        List<String> lines = new ArrayList<>();
        lines.add("per_listener_settings true");
        lines.add("persistence false");
        lines.add("listener " + port + " 127.0.0.1");
        lines.add("allow_anonymous true");
        lines.add("listener " + securedPort + " 127.0.0.1");
        lines.add("allow_anonymous false");
        lines.add("password_file " + passwords);
        lines.add("max_queued_messages 100000");
        if ("root".equals(System.getProperty("user.name"))) {
            lines.add("user root");
        }
        Files.write(config, lines);
        mosquitto =
                new ProcessBuilder("/usr/sbin/mosquitto", "-c", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(mosquittoDir.resolve("mosquitto.log").toFile())
                        .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(port) || !accepts(securedPort)) {
            if (!mosquitto.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Mosquitto did not start: "
                                + Files.readString(mosquittoDir.resolve("mosquitto.log")));
            }
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stopMosquitto() throws Exception {
        if (mosquitto != null) {
            mosquitto.destroy();
            if (!mosquitto.waitFor(5, TimeUnit.SECONDS)) {
                mosquitto.destroyForcibly().waitFor();
            }
        }
    }

    @BeforeEach
    void subscribe() throws Exception {
        subscriber =
                MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("vigil-sim-it-subscriber")
                        .serverHost("127.0.0.1")
                        .serverPort(port)
                        .buildAsync();
        subscriber.connect().get(10, TimeUnit.SECONDS);
        subscriber
                .subscribeWith()
                .topicFilter("sensors/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(
                        p ->
                                received.add(
                                        List.of(
                                                p.getTopic().toString(),
                                                new String(
                                                        p.getPayloadAsBytes(),
                                                        StandardCharsets.UTF_8))))
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void unsubscribe() throws Exception {
        subscriber.disconnect().get(10, TimeUnit.SECONDS);
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code =
                SimulatorCli.run(
                        new String[] {
                            "--broker", broker,
                            "--devices", "4",
                            "--duration", "2m",
                            "--start", "2025-11-28T08:00:00Z",
                            "--seed", "3",
                            "--anomalies", "bursts=1,drifts=0,silences=0,malformed=0.05",
                            "--rate", "0",
                            "--client-id", "vigil-sim-it-cli",
                            "--labels", labels.toString()
                        },
                        Map.of(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        FleetSimulation expected = smallFleet();
        assertReceivedExactly(expected.messages());
        assertThat(LabelsFile.read(labels)).isEqualTo(expected.episodes());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("done");
    }

    @Test
    void failsClearlyWhenNoBrokerListens() throws Exception {
        String nowhere = "tcp://127.0.0.1:" + freePort();
        MqttFleetPublisher publisher =
                MqttFleetPublisher.builder()
                        .setBrokerUri(nowhere)
                        .setConnectTimeout(Duration.ofSeconds(5))
                        .build();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        assertThatThrownBy(() -> publisher.publish(smallFleet()))
                .isInstanceOf(FlinkRuntimeException.class)
                .hasMessageContaining("Cannot connect to " + nowhere);
        int code =
                SimulatorCli.run(
                        new String[] {"--broker", nowhere, "--rate", "0", "--username", "sim"},
                        Map.of(SimulatorCli.PASSWORD_ENV, "secret"),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Cannot connect to " + nowhere)
                .doesNotContain("secret");
    }

    @Test
    void logsInWithTheUserNameAndThePasswordFromTheEnvironment() throws Exception {
        List<SimulatedMessage> messages = smallFleet().messages().subList(0, 20);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

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
        int code =
                SimulatorCli.run(
                        new String[] {
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
                            "bursts=0,drifts=0,silences=0,malformed=0"
                        },
                        Map.of(SimulatorCli.PASSWORD_ENV, "s3cret"),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(report.isComplete()).isTrue();
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void failsWithExitCodeOneOnAWrongPassword() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code =
                SimulatorCli.run(
                        new String[] {
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
                            "bursts=0,drifts=0,silences=0"
                        },
                        Map.of(SimulatorCli.PASSWORD_ENV, "wrong"),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Cannot connect to " + securedBroker)
                .doesNotContain("wrong");
    }

    private void assertReceivedExactly(List<SimulatedMessage> messages)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < messages.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(100); // catches any duplicate or stray message arriving late
        List<List<String>> expected =
                messages.stream().map(m -> List.of(m.topic(), m.payloadText())).toList();
        assertThat(new ArrayList<>(received)).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
