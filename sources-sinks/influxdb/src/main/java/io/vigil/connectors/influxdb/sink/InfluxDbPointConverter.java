package io.vigil.connectors.influxdb.sink;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Turns a stream element into the {@link InfluxDbPoint} that the sink writes.
 *
 * @param <T> the stream element type
 */
@PublicEvolving
@FunctionalInterface
public interface InfluxDbPointConverter<T> extends Serializable {

    /** Returns the point for the element; give it a deterministic timestamp. */
    InfluxDbPoint convert(T element);
}
