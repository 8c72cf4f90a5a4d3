package io.vigil.cep;

import io.vigil.model.SensorReading;

/**
 * A reading with what a drift pattern needs to know about its step from the previous reading,
 * computed in event-time order before CEP.
 *
 * @param reading the reading
 * @param keepsUp true when the key's previous reading (in event time) is known and the value is not
 *     lower than it minus the pattern's tolerance
 */
public record RiseStep(SensorReading reading, boolean keepsUp) {

    /** The reading's key, {@code site/device/metric}. */
    public String key() {
        return reading.key();
    }
}
