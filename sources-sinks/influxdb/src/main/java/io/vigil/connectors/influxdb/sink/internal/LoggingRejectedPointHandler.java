package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sink's default handling of rejected points: a WARN line each, nothing written. */
@Internal
public final class LoggingRejectedPointHandler implements InfluxDbRejectedPointHandler {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LoggingRejectedPointHandler.class);

    @Override
    public InfluxDbPoint onRejected(InfluxDbRejectedPoint rejected) {
        LOG.warn(
                "Dropped {} point(s) of measurement '{}' that InfluxDB rejected: {}; first line:"
                        + " {}",
                rejected.count(),
                rejected.measurement(),
                rejected.reason(),
                rejected.payload());
        return null;
    }
}
