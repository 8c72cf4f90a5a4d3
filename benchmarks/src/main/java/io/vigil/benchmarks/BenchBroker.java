package io.vigil.benchmarks;

import io.vigil.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real Mosquitto ({@code /usr/sbin/mosquitto}) on a free loopback port with the production
 * settings of docs/mqtt-source.md (persistence, a session queue of 100 000 messages, 7-day session
 * expiry) and Mosquitto's own flow-control defaults: {@code max_inflight_messages} is not set, as
 * issue 11 asks. Its log (connections included) is kept for counting disconnects.
 */
final class BenchBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Process process;

    private BenchBroker(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static BenchBroker start(Path dir) throws IOException, InterruptedException {
        return start(dir, List.of());
    }

    /** A broker as {@link #start(Path)} starts it, with {@code extra} lines in its config. */
    static BenchBroker start(Path dir, List<String> extra)
            throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("data"));
        int port = FreePorts.next();
        String conf =
                String.join(
                        "\n",
                        String.join("\n", extra),
                        "user root",
                        "persistence true",
                        "persistence_location " + dir.resolve("data") + "/",
                        "max_queued_messages 100000",
                        "max_queued_bytes 0",
                        "persistent_client_expiration 7d",
                        "log_dest stderr",
                        "log_type error",
                        "log_type warning",
                        "log_type notice",
                        "log_type information",
                        "connection_messages true",
                        "listener " + port + " 127.0.0.1",
                        "allow_anonymous true",
                        "");
        Files.writeString(dir.resolve("mosquitto.conf"), conf, StandardCharsets.UTF_8);
        Process process =
                new ProcessBuilder(
                                "/usr/sbin/mosquitto",
                                "-c",
                                dir.resolve("mosquitto.conf").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("mosquitto.log").toFile())
                        .start();
        long deadline = System.currentTimeMillis() + 15_000;
        while (!accepts(port)) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                process.destroyForcibly();
                throw new IOException(
                        "Mosquitto did not start:\n"
                                + Files.readString(dir.resolve("mosquitto.log")));
            }
            Thread.sleep(20);
        }
        return new BenchBroker(dir, port, process);
    }

    int port() {
        return port;
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    Path log() {
        return dir.resolve("mosquitto.log");
    }

    String config() throws IOException {
        return Files.readString(dir.resolve("mosquitto.conf"));
    }

    /** Lines of the broker's log that match {@code regex}. */
    long count(String regex) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        try (var lines = Files.lines(log(), StandardCharsets.UTF_8)) {
            return lines.filter(line -> pattern.matcher(line).find()).count();
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

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
