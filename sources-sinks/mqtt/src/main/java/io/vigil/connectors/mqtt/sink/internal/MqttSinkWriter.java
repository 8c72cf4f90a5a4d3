package io.vigil.connectors.mqtt.sink.internal;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.vigil.connectors.mqtt.connection.MqttConnections;
import io.vigil.connectors.mqtt.connection.MqttSecrets;
import io.vigil.connectors.mqtt.sink.MqttSerializationSchema;
import io.vigil.connectors.mqtt.sink.MqttSinkOptions;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Publishes each element asynchronously with at most {@code mqtt.sink.max-in-flight}
 * unacknowledged; beyond that {@link #write} waits, which back-pressures the pipeline.
 *
 * <p>{@link #flush}, which Flink calls before every checkpoint barrier, returns only once the
 * broker has acknowledged every message published so far, so a completed checkpoint means its
 * messages are at the broker (at-least-once). A publish that fails is rethrown on the task thread
 * at the next write or flush and fails the job; Flink's restart then replays from the last
 * checkpoint, so nothing is dropped silently.
 *
 * @param <T> the stream element type
 */
@Internal
public final class MqttSinkWriter<T> implements SinkWriter<T> {

    private static final long WAIT_SLICE_MILLIS = 100;

    private final MqttSerializationSchema<T> serializer;
    private final MqttPublishClient client;
    private final MqttQos qos;
    private final boolean retain;
    private final int maxInFlight;
    private final Semaphore inFlight;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private final Counter published;
    private final Counter acked;
    private final Counter failed;
    private final Counter numRecordsSend;
    private final Counter numBytesSend;
    private final Counter numRecordsOutErrors;

    MqttSinkWriter(
            MqttSerializationSchema<T> serializer,
            Configuration conf,
            MqttPublishClient client,
            SinkWriterMetricGroup metrics) {
        this.serializer = serializer;
        this.client = client;
        this.qos = MqttQos.fromCode(conf.get(MqttSinkOptions.QOS));
        this.retain = conf.get(MqttSinkOptions.RETAIN);
        this.maxInFlight = conf.get(MqttSinkOptions.MAX_IN_FLIGHT);
        this.inFlight = new Semaphore(maxInFlight);
        MetricGroup group = metrics.addGroup("mqtt");
        this.published = group.counter("messagesPublished", new ThreadSafeSimpleCounter());
        this.acked = group.counter("messagesAcked", new ThreadSafeSimpleCounter());
        this.failed = group.counter("messagesFailed", new ThreadSafeSimpleCounter());
        group.gauge("messagesPending", this::pending);
        group.gauge("connected", () -> client.isConnected() ? 1 : 0);
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
        this.numRecordsOutErrors = metrics.getNumRecordsOutErrorsCounter();
    }

    /**
     * Connects the publisher of subtask {@code subtask}, as client {@code {prefix}-{subtask}}, and
     * fails with the broker and the cause if it cannot.
     */
    public static <T> MqttSinkWriter<T> connect(
            Configuration conf,
            MqttSerializationSchema<T> serializer,
            int subtask,
            SinkWriterMetricGroup metrics) {
        String clientId = conf.get(MqttSinkOptions.CLIENT_ID_PREFIX) + "-" + subtask;
        MqttPublishClient client =
                new MqttPublishClient(conf, clientId, MqttSecrets.password(conf, System::getenv));
        client.connect();
        return new MqttSinkWriter<>(serializer, conf, client, metrics);
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        checkFailure();
        String topic = serializer.topic(element);
        byte[] payload = serializer.payload(element);
        while (!inFlight.tryAcquire(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
            checkFailure();
        }
        CompletableFuture<Void> result;
        try {
            result = client.publish(topic, payload, qos, retain);
        } catch (RuntimeException e) {
            inFlight.release();
            failed.inc();
            numRecordsOutErrors.inc();
            throw new FlinkRuntimeException(
                    String.format("Cannot publish to MQTT topic '%s': %s", topic, e.getMessage()),
                    e);
        }
        published.inc();
        numRecordsSend.inc();
        numBytesSend.inc(payload.length);
        result.whenComplete(
                (ok, thrown) -> {
                    Throwable error =
                            thrown instanceof CompletionException && thrown.getCause() != null
                                    ? thrown.getCause()
                                    : thrown;
                    if (error == null) {
                        acked.inc();
                    } else {
                        failed.inc();
                        numRecordsOutErrors.inc();
                        failure.compareAndSet(
                                null,
                                new FlinkRuntimeException(
                                        String.format(
                                                "Publishing to MQTT topic '%s' on %s as client %s"
                                                        + " failed: %s",
                                                topic,
                                                client.currentUri(),
                                                client.clientId(),
                                                MqttConnections.describe(error)),
                                        error));
                    }
                    inFlight.release();
                });
    }

    /** Waits until no publish is unacknowledged, and fails if any publish failed. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        checkFailure();
        // Holding every permit means no publish is left in flight.
        while (!inFlight.tryAcquire(maxInFlight, WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
            checkFailure();
        }
        inFlight.release(maxInFlight);
        checkFailure();
    }

    /** Publishes not yet acknowledged by the broker. */
    long pending() {
        return maxInFlight - inFlight.availablePermits();
    }

    private void checkFailure() {
        Throwable error = failure.get();
        if (error != null) {
            throw new FlinkRuntimeException(error.getMessage(), error);
        }
    }

    /** Disconnects; anything not acknowledged by now belongs to no completed checkpoint. */
    @Override
    public void close() {
        client.close();
    }
}
