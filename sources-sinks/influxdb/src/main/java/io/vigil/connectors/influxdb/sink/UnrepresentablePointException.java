package io.vigil.connectors.influxdb.sink;

import org.apache.flink.annotation.PublicEvolving;

/** Thrown when a point holds something that line protocol cannot carry. */
@PublicEvolving
public class UnrepresentablePointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnrepresentablePointException(String message) {
        super(message);
    }
}
