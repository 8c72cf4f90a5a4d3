package io.vigil.connectors.mqtt.source.reader;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * The reader's metrics, in group {@code mqtt}: messages and bytes received, acknowledgements
 * pending, reconnects, queued messages and the connection state; plus Flink's standard source
 * metrics numRecordsIn, numBytesIn and pendingRecords.
 */
@Internal
final class MqttSourceMetrics {

    private final Counter messagesReceived;
    private final Counter bytesReceived;
    private final Counter reconnects;
    private final Counter standardBytesIn;
    private final Counter standardRecordsIn;

    MqttSourceMetrics(
            SourceReaderMetricGroup readerGroup,
            LongSupplier acksPending,
            IntSupplier queued,
            IntSupplier connectionState) {
        MetricGroup group = readerGroup.addGroup("mqtt");
        messagesReceived = group.counter("messagesReceived");
        bytesReceived = group.counter("bytesReceived");
        reconnects = group.counter("reconnects");
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

    void reconnect() {
        reconnects.inc();
    }

    long reconnects() {
        return reconnects.getCount();
    }
}
