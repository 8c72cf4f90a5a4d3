package io.vigil.connectors.influxdb.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.util.FlinkRuntimeException;

/** Fails the job when InfluxDB refuses a write for good or retries are used up. */
@PublicEvolving
public class InfluxDbWriteException extends FlinkRuntimeException {

    private static final long serialVersionUID = 1L;

    public InfluxDbWriteException(String message) {
        super(message);
    }

    public InfluxDbWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
