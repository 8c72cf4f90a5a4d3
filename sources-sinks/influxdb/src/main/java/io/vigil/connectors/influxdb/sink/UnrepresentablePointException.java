package io.vigil.connectors.influxdb.sink;

/** Thrown when a point holds something that line protocol cannot carry. */
public class UnrepresentablePointException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnrepresentablePointException(String message) {
        super(message);
    }
}
