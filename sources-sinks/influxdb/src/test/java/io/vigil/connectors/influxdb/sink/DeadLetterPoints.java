package io.vigil.connectors.influxdb.sink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A rejected-point handler for the tests: a {@code dead_letters} point per rejected point, tagged
 * {@code reason=rejected-by-sink} and {@code topic=<measurement>}, with fields {@code count},
 * {@code error} and {@code payload}, at distinct nanoseconds of the current time.
 */
public final class DeadLetterPoints implements InfluxDbRejectedPointHandler {

    private static final long serialVersionUID = 1L;
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private int subtask = -1;

    @Override
    public void open(int subtaskIndex) {
        subtask = subtaskIndex;
    }

    /** The subtask given to {@link #open}, or -1 before. */
    public int subtask() {
        return subtask;
    }

    @Override
    public InfluxDbPoint onRejected(InfluxDbRejectedPoint rejected) {
        return InfluxDbPoint.builder("dead_letters")
                .tag("reason", "rejected-by-sink")
                .tag("topic", rejected.measurement())
                .field("count", rejected.count())
                .field("error", rejected.reason())
                .field("payload", rejected.payload())
                .timestamp(
                        System.currentTimeMillis(), (int) (SEQUENCE.getAndIncrement() % 1_000_000))
                .build();
    }
}
