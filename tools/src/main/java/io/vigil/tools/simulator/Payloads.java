package io.vigil.tools.simulator;

import io.vigil.model.DeadLetterReason;
import io.vigil.model.SensorReading;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The payload texts of a {@link FleetSimulation}: the valid forms a reading is sent in (plain JSON,
 * ISO-8601 time, SenML, batches) and a malformed payload for each dead-letter reason.
 */
final class Payloads {

    private Payloads() {}

    /** {@code {"ts":1764316800123,"value":55.2,"unit":"dB"}}. */
    static String plain(SensorReading reading) {
        return withUnit(Long.toString(reading.timestamp()), reading);
    }

    /** As {@link #plain}, with the time as an ISO-8601 string. */
    static String iso(SensorReading reading) {
        return withUnit("\"" + Instant.ofEpochMilli(reading.timestamp()) + "\"", reading);
    }

    private static String withUnit(String ts, SensorReading reading) {
        return "{\"ts\":"
                + ts
                + ",\"value\":"
                + reading.value()
                + ",\"unit\":\""
                + reading.unit()
                + "\"}";
    }

    /** A SenML pack of one record, with base time and base unit. */
    static String senml(SensorReading reading) {
        return "[{\"bt\":"
                + BigDecimal.valueOf(reading.timestamp(), 3).toPlainString()
                + ",\"bu\":\""
                + reading.unit()
                + "\",\"v\":"
                + reading.value()
                + "}]";
    }

    /** A JSON array of plain readings. */
    static String batch(List<SensorReading> readings) {
        StringBuilder batch = new StringBuilder("[");
        for (SensorReading reading : readings) {
            batch.append(batch.length() > 1 ? "," : "").append(plain(reading));
        }
        return batch.append(']').toString();
    }

    /**
     * A payload the parser must reject with {@code reason} ({@link DeadLetterReason#BAD_TOPIC}
     * aside, whose payload is valid and whose topic is wrong).
     *
     * @param ts the event time written into the payload
     * @param futureTs a time after 2100-01-01, for {@link DeadLetterReason#FUTURE_TIMESTAMP}
     * @param value a valid reading value
     * @param unit the device's unit
     * @param variant 0, 1 or 2: which of a reason's forms
     */
    static String malformed(
            DeadLetterReason reason,
            String ts,
            long futureTs,
            String value,
            String unit,
            int variant) {
        switch (reason) {
            case MALFORMED_JSON:
                return variant == 0
                        ? "{\"ts\":" + ts + ",\"value\":" + value
                        : variant == 1
                                ? "{ts:" + ts + ",value:" + value + "}"
                                : "{\"ts\":" + ts + ",\"value\":" + value + ",}";
            case MISSING_VALUE:
                return variant == 0
                        ? "{\"ts\":" + ts + ",\"unit\":\"" + unit + "\"}"
                        : "{\"ts\":" + ts + ",\"value\":null}";
            case NON_NUMERIC_VALUE:
                return reading(ts, variant == 0 ? "\"NaN\"" : variant == 1 ? "\"loud\"" : "true");
            case NON_FINITE_VALUE:
                return reading(ts, variant == 0 ? "NaN" : variant == 1 ? "Infinity" : "-Infinity");
            case BAD_TIMESTAMP:
                return reading(
                        variant == 0 ? "\"yesterday\"" : variant == 1 ? "-1000" : "false", value);
            case FUTURE_TIMESTAMP:
                return reading(Long.toString(futureTs), value);
            case BAD_TOPIC:
                return reading(ts, value);
            case TOO_LARGE:
                StringBuilder large = new StringBuilder("{\"ts\":" + ts + ",\"value\":\"");
                while (large.length() < FleetSimulation.TOO_LARGE_BYTES - 2) {
                    large.append('x');
                }
                return large.append("\"}").toString();
            case EMPTY:
                return variant == 0 ? "" : "   ";
            default:
                throw new IllegalStateException("No malformed payload for " + reason);
        }
    }

    /** {@code {"ts":TS,"value":VALUE}}, both as given. */
    private static String reading(String ts, String value) {
        return "{\"ts\":" + ts + ",\"value\":" + value + "}";
    }
}
