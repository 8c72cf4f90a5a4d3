package io.vigil.model;

/**
 * One sensor reading: the key {@code (site, device, metric)} from the topic, the event time in
 * epoch milliseconds, the value and an optional unit ({@code null} when the payload gave none).
 */
public record SensorReading(
        String site, String device, String metric, long timestamp, double value, String unit) {

    /** The key readings are partitioned by: {@code site/device/metric}. */
    public String key() {
        return site + '/' + device + '/' + metric;
    }

    /** The device the reading comes from, for patterns across its metrics: {@code site/device}. */
    public String deviceKey() {
        return site + '/' + device;
    }

    /** True when the unit names decibels ({@code dB}, {@code dBA}, {@code dB(A)}, ...). */
    public boolean isDecibel() {
        return unit != null && unit.regionMatches(true, 0, "dB", 0, 2);
    }
}
