package io.vigil.connectors.influxdb.sink.internal;

import java.io.IOException;
import org.apache.flink.annotation.Internal;

/** Sends line protocol to InfluxDB's v1 {@code /write} endpoint and reports the response. */
@Internal
public interface InfluxDbWriteClient extends AutoCloseable {

    /**
     * Posts the lines, newline-separated, with nanosecond timestamps; an IOException means no
     * response was received.
     */
    WriteResponse write(String lines) throws IOException;

    /** Where the client writes to, for error messages: URL and database. */
    String target();

    @Override
    void close();
}
