package io.vigil.tools.simulator;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.vigil.connectors.mqtt.connection.MqttConnectionOptions;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.sink.internal.MqttPublishClient;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Publishes the messages of a {@link FleetSimulation} to an MQTT broker through the MQTT sink's own
 * client ({@link MqttPublishClient}: MQTT 3.1.1 and 5, TLS, login), in event-time order, paced in
 * real time, at a fixed rate or as fast as the broker acknowledges, and reports progress.
 *
 * <p>With {@link Pacing#realTime()} each message goes out when as much wall-clock time has passed
 * since the first one as event time has; with a simulation starting now, readings arrive when their
 * time comes. With {@link Pacing#perSecond(double)} the messages go out evenly at that rate,
 * whatever their event times; {@link Pacing#unlimited()} sends them as fast as the in-flight window
 * allows. At most {@code maxInFlight} messages wait for their acknowledgement (QoS 1 and 2; with
 * QoS 0 a message counts as acknowledged once written). Every {@code progressInterval} one line
 * goes to the progress stream: elapsed time, sent, acknowledged, failed and the rate of the last
 * interval.
 *
 * <pre>{@code
 * MqttFleetPublisher publisher = MqttFleetPublisher.builder()
 *         .setBrokerUri("tcp://localhost:1883")
 *         .setQos(1)
 *         .setPacing(MqttFleetPublisher.Pacing.perSecond(200))
 *         .setProgress(System.out)
 *         .build();
 * MqttFleetPublisher.Report report = publisher.publish(FleetSimulation.generate(spec));
 * }</pre>
 */
public final class MqttFleetPublisher {

    private final String brokerUri;
    private final Configuration connection;
    private final String clientId;
    private final MqttQos qos;
    private final int mqttVersion;
    private final Optional<byte[]> password;
    private final Pacing pacing;
    private final PrintStream progress;
    private final Duration progressInterval;
    private final int maxInFlight;
    private final Duration ackTimeout;

    private MqttFleetPublisher(Builder builder, Configuration connection) {
        this.brokerUri = builder.brokerUri;
        this.connection = connection;
        this.clientId = builder.clientId;
        this.qos = MqttQos.fromCode(builder.qos);
        this.mqttVersion = builder.mqttVersion;
        this.password = Optional.ofNullable(builder.password).map(byte[]::clone);
        this.pacing = builder.pacing;
        this.progress = builder.progress;
        this.progressInterval = builder.progressInterval;
        this.maxInFlight = builder.maxInFlight;
        this.ackTimeout = builder.ackTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Publishes every message of the simulation; see {@link #publish(List)}. */
    public Report publish(FleetSimulation simulation) {
        return publish(simulation.messages());
    }

    /**
     * Connects, publishes the messages in list order, waits up to the acknowledgement timeout for
     * the last acknowledgements and disconnects.
     *
     * @return the counts; a message not acknowledged in time is neither acked nor failed
     * @throws FlinkRuntimeException when the broker cannot be reached or the connection is lost
     */
    public Report publish(List<SimulatedMessage> messages) {
        MqttPublishClient client = connect();
        PublishProgress counters = new PublishProgress(messages.size());
        ScheduledExecutorService ticker = counters.reportEvery(progress, progressInterval);
        Semaphore window = new Semaphore(maxInFlight);
        try {
            long startNanos = System.nanoTime();
            long firstEventTime = messages.isEmpty() ? 0 : messages.get(0).eventTime();
            for (int i = 0; i < messages.size(); i++) {
                SimulatedMessage message = messages.get(i);
                pacing.awaitTurn(startNanos, i, message.eventTime() - firstEventTime);
                window.acquire();
                if (!client.isConnected()) {
                    window.release();
                    throw new FlinkRuntimeException(
                            String.format(
                                    "Lost the connection to %s after %d of %d messages",
                                    brokerUri, counters.sent.get(), messages.size()));
                }
                counters.sent.incrementAndGet();
                CompletableFuture<?> acknowledged;
                try {
                    acknowledged = client.publish(message.topic(), message.payload(), qos, false);
                } catch (RuntimeException e) {
                    // The client rejects a message it cannot send (say, a topic it finds
                    // invalid) before sending; count it and go on with the rest.
                    acknowledged = CompletableFuture.failedFuture(e);
                }
                acknowledged.whenComplete(
                        (result, error) -> {
                            counters.complete(error);
                            window.release();
                        });
            }
            // All permits back means every publish completed.
            window.tryAcquire(maxInFlight, ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return counters.finish(progress);
        } catch (InterruptedException e) {
            throw counters.interrupted("publishing to " + brokerUri, e);
        } finally {
            ticker.shutdownNow();
            client.close();
        }
    }

    private MqttPublishClient connect() {
        MqttPublishClient client = new MqttPublishClient(connection, clientId, password);
        try {
            client.connect();
        } catch (FlinkRuntimeException e) {
            String cause = MqttConnections.describe(e.getCause());
            throw new FlinkRuntimeException(
                    String.format("Cannot connect to %s: %s", brokerUri, cause), e);
        }
        if (progress != null) {
            progress.printf(
                    Locale.ROOT,
                    "connected to %s (MQTT %s, QoS %d) as %s%n",
                    brokerUri,
                    mqttVersion == 5 ? "5" : "3.1.1",
                    qos.getCode(),
                    clientId);
        }
        return client;
    }

    /** The outcome of one {@link #publish}. */
    public record Report(
            long total, long sent, long acked, long failed, Duration elapsed, String firstError) {

        /** True when every message was sent and acknowledged. */
        public boolean isComplete() {
            return sent == total && acked == total && failed == 0;
        }

        /** Sent but neither acknowledged nor failed when the acknowledgement timeout ran out. */
        public long unacked() {
            return sent - acked - failed;
        }
    }

    /**
     * How fast messages go out: in real time (following event time), at a fixed number per second,
     * or unlimited.
     */
    public record Pacing(boolean followsEventTime, double messagesPerSecond) {

        public Pacing {
            if (!followsEventTime
                    && !(messagesPerSecond >= 0 && Double.isFinite(messagesPerSecond))) {
                throw new IllegalArgumentException(
                        String.format(
                                "Publishing rate must be zero (unlimited) or a positive number of"
                                        + " messages per second, was %s",
                                messagesPerSecond));
            }
        }

        /** Each message when its event time, counted from the first message's, has come. */
        public static Pacing realTime() {
            return new Pacing(true, 0);
        }

        /** Evenly spaced at this rate; {@code 0} means unlimited. */
        public static Pacing perSecond(double messagesPerSecond) {
            return new Pacing(false, messagesPerSecond);
        }

        public static Pacing unlimited() {
            return new Pacing(false, 0);
        }

        /** Sleeps until the {@code index}-th message is due, counted from {@code startNanos}. */
        void awaitTurn(long startNanos, int index, long eventTimeOffsetMillis)
                throws InterruptedException {
            long offsetNanos =
                    followsEventTime
                            ? TimeUnit.MILLISECONDS.toNanos(eventTimeOffsetMillis)
                            : messagesPerSecond == 0 ? 0 : (long) (index * 1e9 / messagesPerSecond);
            TimeUnit.NANOSECONDS.sleep(startNanos + offsetNanos - System.nanoTime());
        }

        @Override
        public String toString() {
            return followsEventTime
                    ? "real time"
                    : messagesPerSecond == 0
                            ? "unlimited"
                            : String.format(Locale.ROOT, "%.1f msg/s", messagesPerSecond);
        }
    }

    /** Builds an {@link MqttFleetPublisher}; only the broker URI is required. */
    public static final class Builder {
        private String brokerUri;
        private String clientId = SimulatorOptions.CLIENT_ID.defaultValue();
        private int qos = SimulatorOptions.QOS.defaultValue();
        private int mqttVersion = SimulatorOptions.MQTT_VERSION.defaultValue();
        private String username;
        private byte[] password;
        private Pacing pacing = Pacing.realTime();
        private PrintStream progress;
        private Duration progressInterval = Duration.ofSeconds(1);
        private int maxInFlight = SimulatorOptions.MAX_IN_FLIGHT.defaultValue();
        private Duration ackTimeout = SimulatorOptions.ACK_TIMEOUT.defaultValue();
        private Duration connectTimeout = SimulatorOptions.CONNECT_TIMEOUT.defaultValue();

        private Builder() {}

        /** {@code tcp://host:port} or {@code ssl://host:port} (ports default to 1883 and 8883). */
        public Builder setBrokerUri(String brokerUri) {
            this.brokerUri = brokerUri;
            return this;
        }

        public Builder setClientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** 0, 1 or 2. */
        public Builder setQos(int qos) {
            this.qos = qos;
            return this;
        }

        /** 3 (MQTT 3.1.1) or 5. */
        public Builder setMqttVersion(int mqttVersion) {
            this.mqttVersion = mqttVersion;
            return this;
        }

        public Builder setUsername(String username) {
            this.username = username;
            return this;
        }

        /** Used only with a username. */
        public Builder setPassword(String password) {
            this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder setPacing(Pacing pacing) {
            this.pacing = pacing;
            return this;
        }

        /** Where progress lines go; none when {@code null}. */
        public Builder setProgress(PrintStream progress) {
            this.progress = progress;
            return this;
        }

        public Builder setProgressInterval(Duration progressInterval) {
            this.progressInterval = progressInterval;
            return this;
        }

        public Builder setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder setAckTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
            return this;
        }

        public Builder setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public MqttFleetPublisher build() {
            URI uri = checkBrokerUri(brokerUri);
            check(
                    clientId != null && !clientId.isEmpty(),
                    SimulatorOptions.CLIENT_ID.key(),
                    clientId,
                    "must not be empty");
            check(qos >= 0 && qos <= 2, SimulatorOptions.QOS.key(), qos, "must be 0, 1 or 2");
            check(
                    mqttVersion == 3 || mqttVersion == 5,
                    SimulatorOptions.MQTT_VERSION.key(),
                    mqttVersion,
                    "must be 3 or 5");
            check(
                    username == null || !username.isEmpty(),
                    SimulatorOptions.USERNAME.key(),
                    "''",
                    "must not be empty when set");
            check(pacing != null, SimulatorOptions.RATE.key(), null, "must be set");
            check(
                    maxInFlight >= 1 && maxInFlight <= 65535,
                    SimulatorOptions.MAX_IN_FLIGHT.key(),
                    maxInFlight,
                    "must be between 1 and 65535");
            checkPositive(progressInterval, "progress interval");
            checkPositive(ackTimeout, SimulatorOptions.ACK_TIMEOUT.key());
            checkPositive(connectTimeout, SimulatorOptions.CONNECT_TIMEOUT.key());
            return new MqttFleetPublisher(this, connection(uri));
        }

        /** The connector's settings for this broker, with the port made explicit. */
        private Configuration connection(URI uri) {
            int port =
                    uri.getPort() > 0 ? uri.getPort() : "ssl".equals(uri.getScheme()) ? 8883 : 1883;
            Configuration conf = new Configuration();
            conf.set(
                    MqttConnectionOptions.BROKER_URIS,
                    List.of(uri.getScheme() + "://" + uri.getHost() + ":" + port));
            conf.set(
                    MqttConnectionOptions.PROTOCOL_VERSION,
                    mqttVersion == 5 ? MqttProtocolVersion.MQTT_5 : MqttProtocolVersion.MQTT_3_1_1);
            conf.set(MqttConnectionOptions.CONNECT_TIMEOUT, connectTimeout);
            // The simulator gives up on a lost connection, so no session needs to outlive it.
            conf.set(MqttConnectionOptions.SESSION_EXPIRY, Duration.ZERO);
            Optional.ofNullable(username)
                    .ifPresent(u -> conf.set(MqttConnectionOptions.USERNAME, u));
            return conf;
        }

        private static URI checkBrokerUri(String brokerUri) {
            String key = SimulatorOptions.BROKER_URI.key();
            check(brokerUri != null, key, null, "must be set");
            URI uri;
            try {
                uri = new URI(brokerUri);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        String.format("%s is not a URI: '%s' (%s)", key, brokerUri, e.getMessage()),
                        e);
            }
            check(
                    "tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme()),
                    key,
                    brokerUri,
                    "must start with tcp:// or ssl://");
            check(uri.getHost() != null, key, brokerUri, "has no host");
            check(uri.getPort() <= 65535, key, brokerUri, "has a port above 65535");
            return uri;
        }

        private static void checkPositive(Duration duration, String setting) {
            check(
                    duration != null && !duration.isNegative() && !duration.isZero(),
                    setting,
                    duration,
                    "must be positive");
        }

        private static void check(boolean condition, String setting, Object value, String rule) {
            if (!condition) {
                throw new IllegalArgumentException(
                        String.format("%s %s, was %s", setting, rule, value));
            }
        }
    }
}
