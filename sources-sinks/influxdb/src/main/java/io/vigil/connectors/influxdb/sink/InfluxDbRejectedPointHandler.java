package io.vigil.connectors.influxdb.sink;

import io.vigil.connectors.influxdb.sink.internal.LoggingRejectedPointHandler;
import java.io.Serializable;
import javax.annotation.Nullable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Decides what happens to points the sink cannot store: those InfluxDB rejects (a field type
 * conflict, a line it cannot parse, a point beyond the retention policy) and those line protocol
 * cannot carry.
 *
 * <p>The handler may return a point to write in the rejected point's place, for example a dead
 * letter in a measurement of its own; the batch counts as acknowledged (and a checkpoint completes)
 * only once that point is written too. Returning null drops the rejected point; throwing fails the
 * job. Every rejected point is counted in the {@code failedPoints} and {@code numRecordsOutErrors}
 * metrics whatever the handler does. Calls of one subtask's handler never overlap, so it needs no
 * locking of its own.
 *
 * <pre>{@code
 * InfluxDbSink.<Reading>builder()
 *         ...
 *         .setRejectedPointHandler(rejected -> InfluxDbPoint.builder("rejected")
 *                 .tag("measurement", rejected.measurement())
 *                 .field("reason", rejected.reason())
 *                 .timestamp(System.currentTimeMillis())
 *                 .build())
 *         .build();
 * }</pre>
 */
@PublicEvolving
@FunctionalInterface
public interface InfluxDbRejectedPointHandler extends Serializable {

    /** Called once on the TaskManager before the first rejected point, with the subtask index. */
    default void open(int subtaskIndex) {}

    /** Returns the point to write in place of the rejected one, or null to drop it. */
    @Nullable
    InfluxDbPoint onRejected(InfluxDbRejectedPoint rejected);

    /** The default: log each rejected point at WARN and drop it (it is still counted). */
    static InfluxDbRejectedPointHandler logAndDrop() {
        return new LoggingRejectedPointHandler();
    }
}
