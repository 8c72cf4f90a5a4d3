package io.vigil.connectors.influxdb.sink;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A point the sink could not store, as handed to an {@link InfluxDbRejectedPointHandler}: the
 * measurement it was meant for, what was rejected, InfluxDB's reason and how many points it stands
 * for.
 */
@PublicEvolving
public final class InfluxDbRejectedPoint {

    private final String measurement;
    private final String payload;
    private final String reason;
    private final long count;

    /** Creates a rejected point; {@code measurement} is empty when InfluxDB did not name it. */
    public InfluxDbRejectedPoint(String measurement, String payload, String reason, long count) {
        this.measurement = Objects.requireNonNull(measurement, "measurement");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.count = count;
    }

    /** The measurement of the rejected point, or empty when InfluxDB did not name it. */
    public String measurement() {
        return measurement;
    }

    /**
     * The rejected line of line protocol; for a point line protocol cannot carry, the point as
     * text; for points InfluxDB dropped without naming them, InfluxDB's message.
     */
    public String payload() {
        return payload;
    }

    /** InfluxDB's message, or the encoding problem. */
    public String reason() {
        return reason;
    }

    /** How many points this stands for: 1, or more for dropped points InfluxDB did not name. */
    public long count() {
        return count;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InfluxDbRejectedPoint)) {
            return false;
        }
        InfluxDbRejectedPoint other = (InfluxDbRejectedPoint) o;
        return count == other.count
                && measurement.equals(other.measurement)
                && payload.equals(other.payload)
                && reason.equals(other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(measurement, payload, reason, count);
    }

    @Override
    public String toString() {
        return String.format(
                "InfluxDbRejectedPoint{measurement=%s, count=%d, reason=%s, payload=%s}",
                measurement, count, reason, payload);
    }
}
