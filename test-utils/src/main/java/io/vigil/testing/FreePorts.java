package io.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the servers a test starts (or for a port where nothing listens).
 *
 * <p>A port the kernel hands out for {@code new ServerSocket(0)} lies in its ephemeral range, the
 * same range it takes the local port of every outgoing connection from. Between a test choosing
 * such a port and its server binding it, any client of the test run (a Flink task, an MQTT client
 * reconnecting) may get it as its local port, and the server then fails with "Address already in
 * use"; a broker restarted on its port meets the same race. So ports are taken below the ephemeral
 * range ({@code /proc/sys/net/ipv4/ip_local_port_range}), where the kernel never puts an outgoing
 * connection, at random, checked free by binding them, and never twice in one JVM, so that a server
 * stopped by one test cannot leave its port in TIME_WAIT for the next.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 1_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A loopback port outside the ephemeral range, free now and not handed out before. */
    public static int next() {
        int end = ephemeralStart();
        if (end - LOWEST < ATTEMPTS) {
            return kernelChosen();
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, end);
            if (isFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException(
                "No free loopback port between "
                        + LOWEST
                        + " and "
                        + end
                        + " after "
                        + ATTEMPTS
                        + " attempts");
    }

    /** The first port of the kernel's ephemeral range (Linux default 32768). */
    static int ephemeralStart() {
        try {
            // Files.readString trusts the size procfs reports and can return a part of the line.
            String range = Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChosen() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free loopback port", e);
        }
    }
}
