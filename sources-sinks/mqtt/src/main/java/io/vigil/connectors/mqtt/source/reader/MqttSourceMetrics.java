package io.vigil.connectors.mqtt.source.reader;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * The reader's metrics, in group {@code mqtt}: messages and bytes received, acknowledgements
 * pending, their limit and the most one session held, reconnects and protocol errors, resent copies
 * dropped, shared subscriptions renewed, queued messages and the connection state; plus Flink's
 * standard source metrics numRecordsIn, numBytesIn and pendingRecords.
 */
@Internal
final class MqttSourceMetrics {

    private final Counter messagesReceived;
    private final Counter bytesReceived;
    private final Counter reconnects;
    private final Counter protocolErrors;
    private final Counter redeliveriesDropped;
    private final Counter sharedResubscriptions;
    private final Counter inflightLimitWarnings;
    private final Counter standardBytesIn;
    private final Counter standardRecordsIn;

    MqttSourceMetrics(
            SourceReaderMetricGroup readerGroup,
            LongSupplier acksPending,
            IntSupplier queued,
            IntSupplier connectionState,
            int inflightLimit,
            LongSupplier inflightPeak) {
        MetricGroup group = readerGroup.addGroup("mqtt");
        messagesReceived = group.counter("messagesReceived");
        bytesReceived = group.counter("bytesReceived");
        reconnects = group.counter("reconnects");
        protocolErrors = group.counter("protocolErrors");
        redeliveriesDropped = group.counter("redeliveriesDropped");
        sharedResubscriptions = group.counter("sharedResubscriptions");
        inflightLimitWarnings = group.counter("inflightLimitWarnings");
        group.gauge("inflightLimit", () -> inflightLimit);
        group.gauge("inflightPeak", inflightPeak::getAsLong);
        group.gauge("acksPending", acksPending::getAsLong);
        group.gauge("queuedMessages", queued::getAsInt);
        group.gauge("connectionState", connectionState::getAsInt);
        readerGroup.setPendingRecordsGauge(() -> (long) queued.getAsInt());
        standardBytesIn = readerGroup.getIOMetricGroup().getNumBytesInCounter();
        standardRecordsIn = readerGroup.getIOMetricGroup().getNumRecordsInCounter();
    }

    /** A message taken from the queue; {@code emitted} is false when it gave no record. */
    void messageTaken(int payloadBytes, boolean emitted) {
        messagesReceived.inc();
        bytesReceived.inc(payloadBytes);
        standardBytesIn.inc(payloadBytes);
        if (emitted) {
            standardRecordsIn.inc();
        }
    }

    /** A connection loss; {@code byClient}: the client dropped it for a protocol violation. */
    void connectionLost(boolean byClient) {
        reconnects.inc();
        if (byClient) {
            protocolErrors.inc();
        }
    }

    void redeliveryDropped() {
        redeliveriesDropped.inc();
    }

    void sharedResubscription() {
        sharedResubscriptions.inc();
    }

    void inflightLimitWarning() {
        inflightLimitWarnings.inc();
    }

    long redeliveriesDropped() {
        return redeliveriesDropped.getCount();
    }

    long protocolErrors() {
        return protocolErrors.getCount();
    }

    long sharedResubscriptions() {
        return sharedResubscriptions.getCount();
    }

    long inflightLimitWarnings() {
        return inflightLimitWarnings.getCount();
    }

    long reconnects() {
        return reconnects.getCount();
    }
}
