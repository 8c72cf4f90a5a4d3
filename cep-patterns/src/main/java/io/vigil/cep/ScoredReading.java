package io.vigil.cep;

import io.vigil.model.SensorReading;

/**
 * A reading with what a burst pattern needs to know about it, computed in event-time order before
 * CEP so that the pattern's conditions look at one event only.
 *
 * @param reading the reading
 * @param threshold the threshold in force for this reading (absolute, or baseline plus N)
 * @param startsRun true when the reading is above the threshold and its predecessor (in event time,
 *     for the same key) is not, or is more than the pattern's {@code within} earlier, or is unknown
 */
public record ScoredReading(SensorReading reading, double threshold, boolean startsRun) {

    /** The reading's key, {@code site/device/metric}. */
    public String key() {
        return reading.key();
    }

    /** True when the reading's value is strictly above its threshold. */
    public boolean isAbove() {
        return reading.value() > threshold;
    }
}
