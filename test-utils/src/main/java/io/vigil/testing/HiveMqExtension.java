package io.vigil.testing;

import io.vigil.testing.hivemq.HiveMqBrokerMain;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a real HiveMQ Community Edition broker (MQTT 3.1.1 and 5) for a test class, in its own JVM
 * from the {@code hivemq-community-edition-embedded} jars (module {@code test-hivemq}, whose
 * classpath Maven writes at build time): a {@code config.xml} in a temporary directory with an
 * anonymous listener on a free loopback port, file persistence (unless turned off) and large
 * session queues. Its own JVM, because HiveMQ needs logback as the slf4j binding and the tests log
 * through log4j. Client connects, disconnects and dropped messages are in {@link #log()}.
 *
 * <pre>{@code
 * @RegisterExtension static final HiveMqExtension BROKER = HiveMqExtension.builder().build();
 * }</pre>
 */
public final class HiveMqExtension extends MqttTestBroker {

    private static final String CLASSPATH_RESOURCE = "hivemq-broker.classpath";

    private int port;

    private HiveMqExtension(Builder builder) {
        super("HiveMQ", Duration.ofSeconds(60), builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the broker. */
    public static final class Builder extends BrokerBuilder<Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        public HiveMqExtension build() {
            return new HiveMqExtension(this);
        }
    }

    @Override
    void prepare(Path dir, int port) throws IOException {
        this.port = port;
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), config(), StandardCharsets.UTF_8);
        Files.writeString(conf.resolve("logback.xml"), LOG_CONFIG, StandardCharsets.UTF_8);
    }

    @Override
    List<String> command(Path dir) throws IOException {
        return ServerProcess.java(
                List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC"),
                launcherLocation()
                        + File.pathSeparator
                        + ServerProcess.classpathResource(
                                HiveMqBrokerMain.class, CLASSPATH_RESOURCE),
                HiveMqBrokerMain.class.getName(),
                dir.toString());
    }

    @Override
    int[] ports() {
        return new int[] {port};
    }

    /** The jar or class directory of the launcher (its dependencies are in the resource). */
    private static String launcherLocation() throws IOException {
        try {
            return Path.of(
                            HiveMqBrokerMain.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private String config() {
        return String.join(
                "\n",
                "<?xml version=\"1.0\"?>",
                "<hivemq>",
                "  <listeners>",
                "    <tcp-listener>",
                "      <port>" + port + "</port>",
                "      <bind-address>127.0.0.1</bind-address>",
                "    </tcp-listener>",
                "  </listeners>",
                "  <mqtt>",
                "    <queued-messages>",
                "      <max-queue-size>" + maxQueuedMessages + "</max-queue-size>",
                "      <strategy>discard</strategy>",
                "    </queued-messages>",
                "  </mqtt>",
                "  <persistence>",
                "    <mode>" + (persistence ? "file" : "in-memory") + "</mode>",
                "  </persistence>",
                "  <anonymous-usage-statistics>",
                "    <enabled>false</enabled>",
                "  </anonymous-usage-statistics>",
                "</hivemq>",
                "");
    }

    /**
     * Warnings, the start and stop of the broker, HiveMQ's event log (client connected and
     * disconnected, message dropped, session expired) and each subscription it applies (for a
     * shared one, the poll of the shared queue that follows) on the console, which {@link #log()}
     * reads.
     */
    private static final String LOG_CONFIG =
            String.join(
                    "\n",
                    "<configuration scan=\"false\">",
                    "  <appender name=\"CONSOLE\" class=\"ch.qos.logback.core.ConsoleAppender\">",
                    "    <encoder><pattern>%d %level %logger{0} - %msg%n%ex</pattern></encoder>",
                    "  </appender>",
                    "  <logger name=\"com.hivemq.embedded\" level=\"INFO\"/>",
                    "  <logger name=\"event\" level=\"DEBUG\"/>",
                    "  <logger name=\"com.hivemq.mqtt.handler.subscribe.IncomingSubscribeService\""
                            + " level=\"TRACE\"/>",
                    "  <logger name=\"com.hivemq.persistence.clientsession"
                            + ".ClientSessionSubscriptionPersistenceImpl\" level=\"TRACE\"/>",
                    "  <logger name=\"jetbrains.exodus\" level=\"ERROR\"/>",
                    "  <logger name=\"oshi\" level=\"ERROR\"/>",
                    "  <root level=\"WARN\"><appender-ref ref=\"CONSOLE\"/></root>",
                    "</configuration>",
                    "");
}
