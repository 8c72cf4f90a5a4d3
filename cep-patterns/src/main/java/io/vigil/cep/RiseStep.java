package io.vigil.cep;

import io.vigil.model.SensorReading;

/**
 * A reading with what a drift pattern needs to know about it, computed in event-time order before
 * CEP.
 *
 * @param reading the reading
 * @param keepsUp true when the key's previous reading (in event time) is known and the value is not
 *     lower than it minus the pattern's tolerance
 * @param mayComplete true when some earlier reading that a run ending here could start from (one in
 *     the current unbroken stretch, at most {@code within} earlier) is at least {@code min-rise}
 *     lower: a necessary condition for completing a run, which spares CEP from looking into its
 *     partial matches for the other readings
 */
public record RiseStep(SensorReading reading, boolean keepsUp, boolean mayComplete) {

    /** The reading's key, {@code site/device/metric}. */
    public String key() {
        return reading.key();
    }
}
