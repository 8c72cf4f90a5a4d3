package io.vigil.connectors.influxdb.sink;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One InfluxDB point: a measurement, sorted tags, typed fields and a timestamp in epoch
 * milliseconds (with optional nanoseconds).
 *
 * <p>Field values are {@link Long}, {@link Double}, {@link Boolean} or {@link String}, which map to
 * InfluxDB's integer, float, boolean and string types. Whether the names and values can be carried
 * by line protocol is checked when the sink encodes the point ({@link LineProtocol}); a point that
 * cannot be carried is routed to the dead letters, not written half-way.
 *
 * <pre>{@code
 * InfluxDbPoint point = InfluxDbPoint.builder("sensor_aggregates")
 *         .tag("site", "plant-a")
 *         .field("mean", 87.5)
 *         .field("count", 12L)
 *         .timestamp(1764316800000L)
 *         .build();
 * }</pre>
 */
@PublicEvolving
public final class InfluxDbPoint implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String measurement;
    private final SortedMap<String, String> tags;
    private final SortedMap<String, Object> fields;
    private final long timestampMillis;
    private final int nanoOfMillisecond;

    InfluxDbPoint(
            String measurement,
            SortedMap<String, String> tags,
            SortedMap<String, Object> fields,
            long timestampMillis,
            int nanoOfMillisecond) {
        this.measurement = measurement;
        this.tags = Collections.unmodifiableSortedMap(tags);
        this.fields = Collections.unmodifiableSortedMap(fields);
        this.timestampMillis = timestampMillis;
        this.nanoOfMillisecond = nanoOfMillisecond;
    }

    /** Starts a point of the given measurement. */
    public static Builder builder(String measurement) {
        return new Builder(measurement);
    }

    public String measurement() {
        return measurement;
    }

    /** Tags sorted by key, as InfluxDB prefers them. */
    public SortedMap<String, String> tags() {
        return tags;
    }

    /** Fields sorted by key; values are Long, Double, Boolean or String. */
    public SortedMap<String, Object> fields() {
        return fields;
    }

    /** The timestamp in epoch milliseconds. */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** Nanoseconds past {@link #timestampMillis()}, 0 to 999 999; usually 0. */
    public int nanoOfMillisecond() {
        return nanoOfMillisecond;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof InfluxDbPoint)) {
            return false;
        }
        InfluxDbPoint that = (InfluxDbPoint) o;
        return timestampMillis == that.timestampMillis
                && nanoOfMillisecond == that.nanoOfMillisecond
                && measurement.equals(that.measurement)
                && tags.equals(that.tags)
                && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(measurement, tags, fields, timestampMillis, nanoOfMillisecond);
    }

    @Override
    public String toString() {
        return "InfluxDbPoint{"
                + measurement
                + ", tags="
                + tags
                + ", fields="
                + fields
                + ", t="
                + timestampMillis
                + (nanoOfMillisecond == 0 ? "" : String.format(".%06d", nanoOfMillisecond))
                + '}';
    }

    /** Builds an {@link InfluxDbPoint}; a timestamp and at least one field are required. */
    public static final class Builder {
        private final String measurement;
        private final SortedMap<String, String> tags = new TreeMap<>();
        private final SortedMap<String, Object> fields = new TreeMap<>();
        private Long timestampMillis;
        private int nanoOfMillisecond;

        private Builder(String measurement) {
            this.measurement = Objects.requireNonNull(measurement, "measurement");
        }

        /** Adds a tag; a null value leaves the tag out, as InfluxDB has no null tags. */
        public Builder tag(String key, String value) {
            Objects.requireNonNull(key, "tag key");
            if (value != null) {
                tags.put(key, value);
            }
            return this;
        }

        /** Adds all tags of the map; null values are left out. */
        public Builder tags(Map<String, String> values) {
            values.forEach(this::tag);
            return this;
        }

        public Builder field(String key, long value) {
            fields.put(Objects.requireNonNull(key, "field key"), value);
            return this;
        }

        public Builder field(String key, double value) {
            fields.put(Objects.requireNonNull(key, "field key"), value);
            return this;
        }

        public Builder field(String key, boolean value) {
            fields.put(Objects.requireNonNull(key, "field key"), value);
            return this;
        }

        /** Adds a string field; a null value leaves the field out. */
        public Builder field(String key, String value) {
            Objects.requireNonNull(key, "field key");
            if (value != null) {
                fields.put(key, value);
            }
            return this;
        }

        /** Timestamp in epoch milliseconds; deterministic timestamps make replays overwrite. */
        public Builder timestamp(long epochMillis) {
            return timestamp(epochMillis, 0);
        }

        /**
         * Timestamp in epoch milliseconds plus nanoseconds, for points that must not overwrite each
         * other within one millisecond (such as dead letters).
         */
        public Builder timestamp(long epochMillis, int nanoOfMillisecond) {
            if (nanoOfMillisecond < 0 || nanoOfMillisecond > 999_999) {
                throw new IllegalArgumentException(
                        String.format(
                                "nanoOfMillisecond must be 0 to 999999, got %d",
                                nanoOfMillisecond));
            }
            this.timestampMillis = epochMillis;
            this.nanoOfMillisecond = nanoOfMillisecond;
            return this;
        }

        public InfluxDbPoint build() {
            if (fields.isEmpty()) {
                throw new IllegalArgumentException(
                        String.format(
                                "A point needs at least one field (measurement '%s')",
                                measurement));
            }
            if (timestampMillis == null) {
                throw new IllegalArgumentException(
                        String.format(
                                "A point needs a timestamp (measurement '%s'); the sink never"
                                        + " lets the server pick one, so that replays overwrite",
                                measurement));
            }
            return new InfluxDbPoint(
                    measurement,
                    new TreeMap<>(tags),
                    new TreeMap<>(fields),
                    timestampMillis,
                    nanoOfMillisecond);
        }
    }
}
