package io.vigil.cep.engine;

import io.vigil.model.SensorReading;

/** What a hosted pattern's keyed state and event-time order are per: a sensor or a device. */
public enum PatternKeying {

    /** Per sensor {@code site/device/metric}: windows and the patterns of one metric. */
    SENSOR,

    /** Per device {@code site/device}: the patterns across the metrics of one device. */
    DEVICE;

    /** The key of {@code reading} under this keying. */
    public String keyOf(SensorReading reading) {
        return this == SENSOR ? reading.key() : reading.deviceKey();
    }
}
