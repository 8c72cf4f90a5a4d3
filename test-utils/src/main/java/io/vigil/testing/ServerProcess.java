package io.vigil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server that a test extension runs as a child process: its output appended to a log file, up
 * once its ports accept connections, stopped with SIGTERM so that it can write what it persists.
 * Also the helpers the server extensions share: free loopback ports, a JVM command on a classpath
 * Maven wrote at build time, removing a temporary directory.
 */
final class ServerProcess {

    private final String name;
    private final Path log;
    private Process process;

    /**
     * @param name the server's name in failure messages
     * @param log the file its console output is appended to, over every start
     */
    ServerProcess(String name, Path log) {
        this.name = name;
        this.log = log;
    }

    /**
     * Starts the server unless it runs and waits until each port that is not 0 accepts connections.
     */
    synchronized void start(List<String> command, Duration timeout, int... ports)
            throws IOException, InterruptedException {
        if (isRunning()) {
            return;
        }
        process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int port : ports) {
            while (port != 0 && !accepts(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException(name + " did not start on port " + port + ":\n" + log());
                }
                Thread.sleep(20);
            }
        }
    }

    /** Sends SIGTERM and waits up to {@code grace} for the server to end, then kills it. */
    synchronized void stop(Duration grace) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server's console output so far, for failure messages. */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java <options> -cp <classpath> <mainAndArgs>} with the JVM that runs the tests. */
    static List<String> java(List<String> options, String classpath, String... mainAndArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-cp");
        command.add(classpath);
        command.addAll(List.of(mainAndArgs));
        return command;
    }

    /**
     * A classpath that Maven's {@code dependency:build-classpath} wrote at build time into a
     * resource next to {@code owner}.
     */
    static String classpathResource(Class<?> owner, String resource) throws IOException {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(
                        "No " + resource + " next to " + owner.getName() + ": build with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
