package io.vigil.tools.demo;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptSubscribeMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * An MQTT 3.1.1 broker (Moquette) inside the demo's JVM, on a free loopback port, in memory.
 *
 * <p>Moquette lets a subscriber have at most 10 QoS 1 messages unacknowledged, and Vigil's source
 * acknowledges only on completed checkpoints, so the demo subscribes with QoS 0 (see {@link Demo}).
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start(System.err)) {
 *     publishTo(broker.uri());
 * }
 * }</pre>
 */
public final class EmbeddedBroker implements AutoCloseable {

    /**
     * Large enough for the simulator's oversized test payloads (80 KiB), which become dead letters.
     */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private final Server server;
    private final int port;
    private final CountDownLatch subscribed;

    private EmbeddedBroker(Server server, int port, CountDownLatch subscribed) {
        this.server = server;
        this.port = port;
        this.subscribed = subscribed;
    }

    /**
     * Starts a broker on a free port of 127.0.0.1; its internal errors are printed to {@code err}.
     */
    public static EmbeddedBroker start(PrintStream err) {
        int port = freePort();
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", Integer.toString(port));
        properties.setProperty("websocket_port", "disabled");
        properties.setProperty("persistence_enabled", "false");
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
        // Moquette would otherwise report usage to its authors over the network.
        properties.setProperty("telemetry_enabled", "false");
        CountDownLatch subscribed = new CountDownLatch(1);
        Server server = new Server();
        try {
            server.startServer(
                    new MemoryConfig(properties),
                    List.of(
                            new AbstractInterceptHandler() {
                                @Override
                                public String getID() {
                                    return "vigil-demo-subscriptions";
                                }

                                @Override
                                public void onSessionLoopError(Throwable error) {
                                    err.println("embedded MQTT broker: " + error);
                                }

                                @Override
                                public void onSubscribe(InterceptSubscribeMessage message) {
                                    subscribed.countDown();
                                }
                            }));
        } catch (IOException | RuntimeException e) {
            throw new FlinkRuntimeException(
                    String.format("Cannot start the embedded MQTT broker on 127.0.0.1:%d", port),
                    e);
        }
        return new EmbeddedBroker(server, port, subscribed);
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Waits until some client subscribed; false when none did within {@code timeout}. */
    public boolean awaitSubscription(Duration timeout) throws InterruptedException {
        return subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        server.stopServer();
    }

    /** A port that was free a moment ago; the broker binds it right after. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new FlinkRuntimeException("Cannot find a free port on 127.0.0.1", e);
        }
    }
}
