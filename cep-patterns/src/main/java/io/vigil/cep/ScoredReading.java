package io.vigil.cep;

import io.vigil.model.SensorReading;

/**
 * A reading with what a burst pattern needs to know about it, computed in event-time order before
 * CEP so that the pattern's conditions look at one event only.
 *
 * @param reading the reading
 * @param threshold the threshold in force for this reading (absolute, or baseline plus or minus N)
 * @param beyond whether the reading is beyond the threshold (above it, or below for a pattern with
 *     {@code below})
 * @param startsRun true when the reading is beyond the threshold and its predecessor (in event
 *     time, for the same key) is not, or is more than the pattern's {@code within} earlier, or is
 *     unknown
 */
public record ScoredReading(
        SensorReading reading, double threshold, boolean beyond, boolean startsRun) {

    /** The reading's key, {@code site/device/metric}. */
    public String key() {
        return reading.key();
    }

    /** True when the reading's value is strictly beyond its threshold. */
    public boolean isBeyond() {
        return beyond;
    }
}
