package io.vigil.job;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.WindowAggregate;

/**
 * The InfluxDB measurements of DESIGN.md: {@code sensor_aggregates}, {@code alerts} and {@code
 * dead_letters}.
 *
 * <p>Aggregates and alerts carry event-time timestamps (window start, first matching reading), so a
 * replay after a failure overwrites the same points instead of adding new ones.
 */
public final class InfluxPoints {

    public static final String AGGREGATES = "sensor_aggregates";
    public static final String ALERTS = "alerts";
    public static final String DEAD_LETTERS = "dead_letters";

    private InfluxPoints() {}

    public static InfluxDbPoint aggregate(WindowAggregate a) {
        InfluxDbPoint.Builder point =
                InfluxDbPoint.builder(AGGREGATES)
                        .tag("site", a.site())
                        .tag("device", a.device())
                        .tag("metric", a.metric())
                        .tag("window", a.window())
                        .field("count", a.count())
                        .field("min", a.min())
                        .field("max", a.max())
                        .field("mean", a.mean())
                        .field("stddev", a.stddev())
                        .field("last", a.last())
                        .timestamp(a.windowStart());
        if (a.hasLeq()) {
            point.field("leq", a.leq());
        }
        return point.build();
    }

    public static InfluxDbPoint alert(Alert a) {
        return InfluxDbPoint.builder(ALERTS)
                .tag("site", a.site())
                .tag("device", a.device())
                .tag("metric", a.metric())
                .tag("pattern", a.pattern())
                .tag("severity", a.severity())
                .field("peak", a.peak())
                .field("events", (long) a.events())
                .field("started_at", a.startedAt())
                .field("ended_at", a.endedAt())
                .field("message", a.message())
                .timestamp(a.startedAt())
                .build();
    }

    /**
     * A dead letter at its arrival time plus its nanosecond stamp, which tells apart dead letters
     * with the same reason and topic that arrive in the same millisecond: InfluxDB would otherwise
     * keep only the last of them.
     */
    public static InfluxDbPoint deadLetter(StampedDeadLetter stamped) {
        DeadLetter d = stamped.deadLetter();
        return InfluxDbPoint.builder(DEAD_LETTERS)
                .tag("reason", d.reason())
                .tag("topic", d.topic() == null ? "" : d.topic())
                .field("payload", d.payload())
                .field("detail", d.detail())
                .field("count", 1L)
                .timestamp(d.arrivalTime(), stamped.nanoOfMillisecond())
                .build();
    }
}
