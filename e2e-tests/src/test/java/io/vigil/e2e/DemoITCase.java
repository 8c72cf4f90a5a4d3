package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ./vigil demo} as a user does, as a process whose output is read, on the classes this
 * Maven build has just packaged ({@code VIGIL_NO_BUILD=1}), then presses Ctrl-C (SIGINT).
 */
class DemoITCase {

    /** Failsafe runs in the module directory, jobs/. */
    private static final Path CHECKOUT = Path.of("").toAbsolutePath().getParent();

    @TempDir Path dir;

    private Process demo;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        if (demo != null && demo.isAlive()) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    @Test
    void showsAlertsWithinAMinuteAndStopsCleanlyOnCtrlC() throws Exception {
        int webPort = FreePorts.next();
        Path output = Files.writeString(dir.resolve("demo.lp"), "stale line of an earlier run\n");
        // A shell that runs Maven in the background may have left SIGINT ignored, and an ignored
        // signal stays ignored across exec; a terminal's Ctrl-C never is, so restore the default.
        ProcessBuilder builder =
                new ProcessBuilder(
                        "perl",
                        "-e",
                        "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"",
                        CHECKOUT.resolve("vigil").toString(),
                        "demo",
                        "--web-port",
                        Integer.toString(webPort),
                        "--output",
                        output.toString(),
                        "--devices",
                        "20");
        builder.environment().put("VIGIL_NO_BUILD", "1");
        builder.directory(dir.toFile());
        long started = System.nanoTime();
        demo = builder.start();
        collect(demo.getInputStream(), out);
        collect(demo.getErrorStream(), err);

        assertThat(await(line -> line.contains(" FIRING "), Duration.ofSeconds(60)))
                .as("an alert line within 60 s; output so far:\n%s", transcript())
                .isTrue();
        long alertSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        // A burst resolves at the reading that ends it, which is also when it fires.
        assertThat(await(line -> line.contains(" RESOLVED "), Duration.ofSeconds(30)))
                .as("a resolved alert within 30 s of the first; output so far:\n%s", transcript())
                .isTrue();
        assertThat(out)
                .as(transcript())
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .endsWith("Flink web UI: http://localhost:" + webPort))
                .anySatisfy(
                        line -> assertThat(line).endsWith("Writing line protocol to " + output));
        assertThat(webUiStatus(webPort)).as("the web UI answers").isEqualTo(200);
        awaitFile(output, Duration.ofSeconds(90));
        List<ProcessHandle> descendants = demo.descendants().toList();

        new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor();

        assertThat(demo.waitFor(30, TimeUnit.SECONDS))
                .as("exits within 30 s of Ctrl-C; output:\n%s", transcript())
                .isTrue();
        assertThat(demo.exitValue()).as(transcript()).isZero();
        assertThat(descendants).noneMatch(ProcessHandle::isAlive);
        assertThat(out)
                .as(transcript())
                .anySatisfy(line -> assertThat(line).endsWith("Stopping ..."))
                .last()
                .satisfies(
                        line ->
                                assertThat(line)
                                        .endsWith("Stopped. The line protocol is in " + output));
        List<String> lines = Files.readAllLines(output);
        assertThat(lines).doesNotContain("stale line of an earlier run");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("alerts,alert_id="));
        assertThat(lines)
                .anySatisfy(line -> assertThat(line).startsWith("sensor_aggregates,device="));
        assertThat(err).as(transcript()).noneMatch(line -> line.startsWith("vigil demo:"));
        System.out.printf("DemoITCase: first alert after %d s%n", alertSeconds);
    }

    private boolean await(Predicate<String> line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (out.stream().anyMatch(line)) {
                return true;
            }
            if (!demo.isAlive()) {
                return false;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Aggregates need a closed one-minute window, alerts a completed checkpoint. */
    private void awaitFile(Path output, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && demo.isAlive()) {
            List<String> lines = Files.readAllLines(output);
            assertThat(lines).doesNotContain("stale line of an earlier run");
            if (lines.stream().anyMatch(line -> line.startsWith("sensor_aggregates,"))
                    && lines.stream().anyMatch(line -> line.startsWith("alerts,"))) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private static int webUiStatus(int port) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/overview"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String transcript() {
        return String.join("\n", out) + "\n--- stderr ---\n" + String.join("\n", err);
    }

    private static void collect(InputStream stream, List<String> lines) {
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    stream, StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = in.readLine()) != null) {
                                    lines.add(line);
                                }
                            } catch (IOException e) {
                                lines.add("(reading failed: " + e + ")");
                            }
                        });
        reader.setDaemon(true);
        reader.start();
    }
}
