package io.vigil.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster fixture's settings are checked before any process starts; its REST calls outlast a
 * JobManager that stalls.
 */
class FlinkProcessClusterTest {

    @TempDir Path tmp;

    @Test
    void aReadIsSentAgainWhenTheFirstAnswerComesTooLate() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        // The first answer takes 2 s, past the request's 300 ms timeout; the later ones come at
        // once.
        HttpServer server = server(requests, 1, Duration.ofSeconds(2));
        try {
            assertThat(
                            FlinkProcessCluster.sendRepeatable(
                                            HttpClient.newHttpClient(),
                                            request(server),
                                            Duration.ofSeconds(30))
                                    .path("state")
                                    .asText())
                    .isEqualTo("RUNNING");
            assertThat(requests.get()).isGreaterThanOrEqualTo(2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aReadGivesUpWithItsAttemptsWhenNoAnswerComesInTime() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = server(requests, Integer.MAX_VALUE, Duration.ofSeconds(2));
        try {
            assertThatThrownBy(
                            () ->
                                    FlinkProcessCluster.sendRepeatable(
                                            HttpClient.newHttpClient(),
                                            request(server),
                                            Duration.ofSeconds(1)))
                    .isInstanceOf(HttpTimeoutException.class)
                    .hasMessageContaining("GET " + request(server).uri())
                    .hasMessageMatching(".*no answer within PT0.3S in [2-9] attempts over PT1S");
        } finally {
            server.stop(0);
        }
    }

    /**
     * A REST endpoint on a free loopback port whose first {@code slow} answers take {@code delay}.
     */
    private static HttpServer server(AtomicInteger requests, int slow, Duration delay)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(
                Executors.newCachedThreadPool(
                        task -> {
                            Thread thread = new Thread(task, "slow-rest-endpoint");
                            thread.setDaemon(true);
                            return thread;
                        }));
        server.createContext(
                "/jobs",
                exchange -> {
                    try {
                        if (requests.incrementAndGet() <= slow) {
                            Thread.sleep(delay.toMillis());
                        }
                        byte[] body = "{\"state\":\"RUNNING\"}".getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    } catch (InterruptedException | IOException clientGone) {
                        // The client stopped waiting: nothing to answer.
                    } finally {
                        exchange.close();
                    }
                });
        server.start();
        return server;
    }

    private static HttpRequest request(HttpServer server) {
        return HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jobs/1"))
                .timeout(Duration.ofMillis(300))
                .GET()
                .build();
    }

    @Test
    void refusesAMissingConfigFile() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setConfigFile(tmp.resolve("nope.yaml"))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configFile")
                .hasMessageContaining("nope.yaml");
    }

    @Test
    void refusesAMissingWorkDir() {
        assertThatThrownBy(() -> FlinkProcessCluster.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workDir");
    }

    @Test
    void refusesAClusterWithoutTaskManagers() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setTaskManagers(0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taskManagers: 0");
    }

    @Test
    void refusesTaskManagersWithoutSlots() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setSlotsPerTaskManager(0)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slotsPerTaskManager: 0");
    }

    @Test
    void refusesANegativeCheckpointInterval() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setCheckpointInterval(Duration.ofSeconds(-1))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpointInterval");
    }

    @Test
    void refusesAZeroStartTimeout() {
        assertThatThrownBy(
                        () ->
                                FlinkProcessCluster.builder()
                                        .setWorkDir(tmp)
                                        .setStartTimeout(Duration.ZERO)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("startTimeout");
    }
}
