package io.vigil.connectors.mqtt.source.reader;

import io.vigil.connectors.mqtt.connection.MqttConnection;
import io.vigil.connectors.mqtt.connection.MqttSecrets;
import io.vigil.connectors.mqtt.source.MqttDeserializationSchema;
import io.vigil.connectors.mqtt.source.MqttMessage;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.connectors.mqtt.source.enumerator.MqttStaleSessionsEvent;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the messages of its session splits from a bounded hand-over queue and acknowledges each QoS
 * 1/2 message only when the checkpoint taken after its emission completes.
 *
 * @param <T> the record type
 */
@Internal
public final class MqttSourceReader<T> implements SourceReader<T, MqttSubscriptionSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceReader.class);
    // Warn when a session holds this share of the in-flight limit as a checkpoint completes: one
    // that takes twice as long would reach the limit.
    private static final double INFLIGHT_WARN_SHARE = 0.5;
    private static final long INFLIGHT_WARN_EVERY_MILLIS = 60_000;

    private final Configuration conf;
    private final MqttDeserializationSchema<T> deserializer;
    private final SourceReaderContext context;
    private final HandOverQueue<ReceivedMessage> queue;
    private final SessionCredit<MqttSessionClient> credit;
    private final PendingAcks pendingAcks = new PendingAcks();
    private final Redeliveries redeliveries = new Redeliveries();
    private final int inflightLimit;
    private long lastInflightWarning = Long.MIN_VALUE;
    private volatile long inflightPeak;
    private final Map<MqttSubscriptionSplit, MqttSessionClient> clients = new ConcurrentHashMap<>();
    // QoS 1 messages emitted and not yet acknowledged, per session, by packet identifier: what a
    // checkpoint holds that the broker would send again if the task died before the notification.
    private final Map<MqttSessionClient, Map<Integer, ReceivedMessage>> unacknowledged =
            new HashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final MqttSourceMetrics metrics;
    private volatile long acksPending;
    private volatile boolean closed;

    public MqttSourceReader(
            Configuration conf,
            MqttDeserializationSchema<T> deserializer,
            SourceReaderContext context) {
        this.conf = conf;
        this.deserializer = deserializer;
        this.context = context;
        this.queue = new HandOverQueue<>(conf.get(MqttSourceOptions.QUEUE_CAPACITY));
        this.inflightLimit = conf.get(MqttSourceOptions.RECEIVE_MAXIMUM);
        this.credit =
                new SessionCredit<>(
                        queue.capacity(),
                        inflightLimit,
                        MqttSessionClient::outstanding,
                        MqttSessionClient::request);
        this.metrics =
                new MqttSourceMetrics(
                        context.metricGroup(),
                        () -> acksPending,
                        queue::size,
                        this::connectionState,
                        inflightLimit,
                        () -> inflightPeak);
    }

    @Override
    public void start() {}

    @Override
    public void addSplits(List<MqttSubscriptionSplit> splits) {
        for (MqttSubscriptionSplit split : splits) {
            if (clients.containsKey(split)) {
                continue;
            }
            String clientId = split.clientId(conf.get(MqttSourceOptions.CLIENT_ID_PREFIX));
            MqttSessionClient client =
                    new MqttSessionClient(
                            conf,
                            clientId,
                            subscriptionFilters(),
                            MqttSecrets.password(conf, System::getenv),
                            this::handOver,
                            this::fail,
                            metrics::connectionLost,
                            metrics::sharedResubscription);
            redeliveries.restore(client, split.unacknowledged());
            unacknowledged.put(client, new HashMap<>());
            client.connect();
            clients.put(split, client);
            credit.add(client);
        }
    }

    /**
     * Plain filters for a single session (parallelism 1, one session per reader), shared ones
     * otherwise, so each message reaches one session.
     */
    List<String> subscriptionFilters() {
        List<String> filters = conf.get(MqttSourceOptions.TOPIC_FILTERS);
        boolean shared =
                context.currentParallelism() > 1
                        || conf.get(MqttSourceOptions.SESSIONS_PER_READER) > 1
                        || conf.get(MqttSourceOptions.SHARED_SUBSCRIPTION_ALWAYS);
        if (!shared) {
            return filters;
        }
        String group =
                conf.getOptional(MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP)
                        .orElse(conf.get(MqttSourceOptions.CLIENT_ID_PREFIX));
        return filters.stream()
                .map(filter -> "$share/" + group + "/" + filter)
                .collect(Collectors.toList());
    }

    private void handOver(ReceivedMessage message) {
        try {
            queue.put(message, () -> closed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(Throwable error) {
        failure.compareAndSet(null, error);
        queue.wakeUp();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        Throwable error = failure.get();
        if (error != null) {
            throw new FlinkRuntimeException(error);
        }
        ReceivedMessage received = queue.poll();
        if (received == null) {
            return InputStatus.NOTHING_AVAILABLE;
        }
        if (received.needsAcknowledgement() && redeliveries.isResentCopy(received)) {
            // Emitted on an earlier connection: once more would count it twice in live state.
            // The copy's acknowledgement is the one the broker waits for now.
            owe(received);
            metrics.redeliveryDropped();
            credit.taken(received.client());
            return queue.size() > 0 ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
        }
        MqttMessage message = received.message();
        T record;
        try {
            record = deserializer.deserialize(message);
        } catch (IOException e) {
            throw new FlinkRuntimeException(
                    String.format(
                            "Cannot deserialize the MQTT message on topic %s", message.getTopic()),
                    e);
        }
        if (record != null) {
            output.collect(record, message.getArrivalTime());
        }
        metrics.messageTaken(message.getPayload().length, record != null);
        if (received.needsAcknowledgement()) {
            owe(received);
        }
        credit.taken(received.client());
        return queue.size() > 0 ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
    }

    /** The broker gets this acknowledgement once the next checkpoint completes. */
    private void owe(ReceivedMessage received) {
        MqttSessionClient client = received.client();
        int packetId = received.delivery().packetId();
        boolean tracked = received.message().getQos() == 1 && received.delivery().isKnown();
        if (tracked) {
            // A resent copy takes the entry of the message it copies.
            unacknowledged.get(client).put(packetId, received);
        }
        pendingAcks.add(
                () -> {
                    client.acknowledge(received);
                    if (tracked) {
                        unacknowledged.get(client).remove(packetId, received);
                    }
                });
        acksPending = pendingAcks.size();
    }

    @Override
    public List<MqttSubscriptionSplit> snapshotState(long checkpointId) {
        pendingAcks.snapshot(checkpointId);
        List<MqttSubscriptionSplit> splits = new ArrayList<>();
        clients.forEach(
                (split, client) -> {
                    Map<Integer, Long> held = new HashMap<>();
                    unacknowledged
                            .get(client)
                            .forEach(
                                    (packetId, received) ->
                                            held.put(
                                                    packetId,
                                                    Redeliveries.fingerprint(received.message())));
                    splits.add(new MqttSubscriptionSplit(split.index(), held));
                });
        splits.sort(Comparator.comparingInt(MqttSubscriptionSplit::index));
        return splits;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        // The most a session holds unacknowledged is right before the acknowledgements go out.
        warnIfNearTheInflightLimit(checkpointId);
        pendingAcks.acknowledgeUpTo(checkpointId);
        acksPending = pendingAcks.size();
        credit.refresh();
    }

    /**
     * Messages stay unacknowledged until the checkpoint after them completes, so a session holds
     * most just before that: about its message rate times (checkpoint interval + checkpoint
     * duration). A session that reaches the limit fills the broker's window, and Mosquitto 2.0.11
     * then sends an MQTT 5 client more than its receive maximum once acknowledgements come (a
     * protocol error and a reconnect). Said while there is still room: at half the limit a
     * checkpoint that took twice as long would reach it.
     */
    private void warnIfNearTheInflightLimit(long checkpointId) {
        for (MqttSessionClient client : clients.values()) {
            int outstanding = client.outstanding();
            inflightPeak = Math.max(inflightPeak, outstanding);
            if (outstanding < INFLIGHT_WARN_SHARE * inflightLimit) {
                continue;
            }
            metrics.inflightLimitWarning();
            long now = System.currentTimeMillis();
            if (now - lastInflightWarning >= INFLIGHT_WARN_EVERY_MILLIS) {
                lastInflightWarning = now;
                LOG.warn(
                        "MQTT client {} held {} messages unacknowledged when checkpoint {}"
                                + " completed, half or more of its limit of {}"
                                + " (mqtt.receive-maximum): messages per second times (checkpoint"
                                + " interval + checkpoint duration) is too high for it. A session"
                                + " that reaches the limit is held back to it per checkpoint, and"
                                + " Mosquitto 2.0.11 then overruns an MQTT 5 client (protocol"
                                + " errors, reconnects). Shorten the checkpoint interval, raise"
                                + " mqtt.receive-maximum (at most 65535), or add readers",
                        client.clientId(),
                        outstanding,
                        checkpointId,
                        inflightLimit);
            }
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (failure.get() != null) {
            return CompletableFuture.completedFuture(null);
        }
        return queue.availability();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        if (event instanceof MqttStaleSessionsEvent) {
            MqttStaleSessions.remove(
                    conf,
                    ((MqttStaleSessionsEvent) event).firstStaleIndex(),
                    MqttSecrets.password(conf, System::getenv));
        }
    }

    @Override
    public void notifyNoMoreSplits() {}

    /** The lowest {@link MqttConnection.State} ordinal over this reader's sessions. */
    int connectionState() {
        return clients.values().stream()
                .mapToInt(client -> client.state().ordinal())
                .min()
                .orElse(MqttConnection.State.DISCONNECTED.ordinal());
    }

    /** Messages waiting in the hand-over queue. */
    int queuedMessages() {
        return queue.size();
    }

    /** How often a client thread found the hand-over queue full and waited. */
    long handOverWaits() {
        return queue.waits();
    }

    int queueCapacity() {
        return queue.capacity();
    }

    long acksPending() {
        return pendingAcks.size();
    }

    long reconnects() {
        return metrics.reconnects();
    }

    long protocolErrors() {
        return metrics.protocolErrors();
    }

    long redeliveriesDropped() {
        return metrics.redeliveriesDropped();
    }

    long sharedResubscriptions() {
        return metrics.sharedResubscriptions();
    }

    long inflightLimitWarnings() {
        return metrics.inflightLimitWarnings();
    }

    @Override
    public void close() {
        closed = true;
        for (MqttSessionClient client : clients.values()) {
            client.close();
        }
        clients.clear();
    }
}
