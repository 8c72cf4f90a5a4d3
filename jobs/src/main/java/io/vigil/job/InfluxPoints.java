package io.vigil.job;

import io.vigil.cep.live.PatternChange;
import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.WindowAggregate;
import java.nio.charset.StandardCharsets;

/**
 * The InfluxDB measurements of Vigil's data contract (README, "Output: InfluxDB"): {@code
 * sensor_aggregates}, {@code alerts} and {@code dead_letters}, and the handler that turns the
 * points the InfluxDB sink rejects into {@code dead_letters} with reason {@code rejected-by-sink}.
 *
 * <p>Aggregates and alerts carry event-time timestamps (window start, first matching reading), so a
 * replay after a failure overwrites the same points instead of adding new ones.
 */
public final class InfluxPoints {

    public static final String AGGREGATES = "sensor_aggregates";
    public static final String ALERTS = "alerts";
    public static final String DEAD_LETTERS = "dead_letters";
    public static final String PATTERN_CHANGES = "pattern_changes";

    private InfluxPoints() {}

    public static InfluxDbPoint aggregate(WindowAggregate a) {
        InfluxDbPoint.Builder point =
                ofSensor(AGGREGATES, a.site(), a.device(), a.metric())
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

    /**
     * One event of an alert. A firing event is stamped with the alert's start, so that a reminder
     * rewrites it with the counts so far; the resolving event with the time it resolved (always
     * after the start), so that per {@code alert_id} the latest point tells whether the alert still
     * fires ({@code firing} 1) or not (0).
     */
    public static InfluxDbPoint alert(Alert a) {
        InfluxDbPoint.Builder point =
                ofSensor(ALERTS, a.site(), a.device(), a.metric())
                        .tag("pattern", a.pattern())
                        .tag("severity", a.severity())
                        .tag("state", a.state().label())
                        .tag("alert_id", a.id())
                        .field("peak", a.peak())
                        .field("events", (long) a.events())
                        .field("started_at", a.startedAt())
                        .field("ended_at", a.endedAt())
                        .field("firing", a.isFiring() ? 1L : 0L)
                        .field("message", a.message());
        if (a.isFiring()) {
            return point.timestamp(a.startedAt()).build();
        }
        return point.field("duration_ms", a.durationMillis()).timestamp(a.endedAt()).build();
    }

    /** A point of {@code measurement} tagged with the sensor's key: its site, device and metric. */
    private static InfluxDbPoint.Builder ofSensor(
            String measurement, String site, String device, String metric) {
        return InfluxDbPoint.builder(measurement)
                .tag("site", site)
                .tag("device", device)
                .tag("metric", metric);
    }

    /** A change of the pattern files, accepted or rejected, at the time the job took it. */
    public static InfluxDbPoint patternChange(PatternChange c) {
        InfluxDbPoint.Builder point =
                InfluxDbPoint.builder(PATTERN_CHANGES)
                        .tag("outcome", c.accepted() ? "accepted" : "rejected")
                        .field("version", c.version())
                        .field("hash", c.hash())
                        .field("accepted", c.accepted())
                        .field("patterns", c.patterns())
                        .timestamp(c.time());
        if (c.error() != null) {
            point.field("error", c.error());
        }
        return point.build();
    }

    /**
     * A dead letter at its arrival time plus its nanosecond stamp, which tells apart dead letters
     * with the same reason and topic that arrive in the same millisecond: InfluxDB would otherwise
     * keep only the last of them. Its {@code count} field is the number of inputs it stands for.
     */
    public static InfluxDbPoint deadLetter(StampedDeadLetter stamped) {
        DeadLetter d = stamped.deadLetter();
        return InfluxDbPoint.builder(DEAD_LETTERS)
                .tag("reason", d.reason())
                // A topic may be 64 KiB; InfluxDB would refuse that key, and the dead letter with
                // it.
                .tag("topic", d.topic() == null ? "" : cut(d.topic()))
                .field("payload", d.payload())
                .field("detail", d.detail())
                .field("count", d.count())
                .timestamp(d.arrivalTime(), stamped.nanoOfMillisecond())
                .build();
    }

    /** The text cut to 1 KiB of UTF-8, as dead letters cut their payloads. */
    private static String cut(String text) {
        return DeadLetter.of("", "", text.getBytes(StandardCharsets.UTF_8), 0, "").payload();
    }

    /**
     * The handler the job gives its InfluxDB sinks: each point InfluxDB rejects becomes a dead
     * letter with reason {@code rejected-by-sink}, the rejected point's measurement as topic, the
     * line as payload and InfluxDB's message as detail, stamped like every other dead letter.
     */
    public static InfluxDbRejectedPointHandler rejectedBySink() {
        return new RejectedBySink();
    }

    private static final class RejectedBySink implements InfluxDbRejectedPointHandler {

        private static final long serialVersionUID = 1L;

        private final DeadLetterStamper stamper = new DeadLetterStamper();

        @Override
        public InfluxDbPoint onRejected(InfluxDbRejectedPoint rejected) {
            // InfluxDB's message can name many lines; cut it as payloads are.
            String detail = cut(rejected.reason());
            DeadLetter letter =
                    DeadLetter.of(
                                    DeadLetterReason.REJECTED_BY_SINK.code(),
                                    rejected.measurement(),
                                    utf8(rejected.payload()),
                                    System.currentTimeMillis(),
                                    detail)
                            .summarising(rejected.count(), detail);
            return deadLetter(stamper.map(letter));
        }

        private static byte[] utf8(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}
