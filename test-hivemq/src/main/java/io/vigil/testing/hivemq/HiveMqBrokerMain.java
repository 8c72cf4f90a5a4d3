package io.vigil.testing.hivemq;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs HiveMQ Community Edition embedded until the JVM is told to stop (SIGTERM), then stops it so
 * that its file persistence is closed cleanly.
 *
 * <p>One argument: the broker's home, holding {@code conf/config.xml} and {@code conf/logback.xml};
 * {@code data/} and {@code extensions/} are made beside them. Embedded, HiveMQ lets every client in
 * without a security extension (it logs "Setting default authentication behavior to ALLOW ALL"),
 * and with no authorizer every topic is allowed.
 */
public final class HiveMqBrokerMain {

    private HiveMqBrokerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("Usage: HiveMqBrokerMain <home directory>");
        }
        Path home = Path.of(args[0]);
        EmbeddedHiveMQ broker =
                EmbeddedHiveMQ.builder()
                        .withConfigurationFolder(home.resolve("conf"))
                        .withDataFolder(Files.createDirectories(home.resolve("data")))
                        .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                        .build();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        broker.stop().get(30, TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        e.printStackTrace();
                                    }
                                },
                                "hivemq-stop"));
        broker.start().join();
        // Until SIGTERM runs the hook above.
        Thread.currentThread().join();
    }
}
