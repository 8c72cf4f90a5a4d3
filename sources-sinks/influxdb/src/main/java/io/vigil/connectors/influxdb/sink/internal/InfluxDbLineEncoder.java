package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.InfluxDbWriteException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

/**
 * Turns elements into the sink's entries on the task thread. A point line protocol cannot carry
 * becomes an entry for the rejected-point handler, or, when there is none, fails the job right here
 * with the point and the reason.
 */
@Internal
public final class InfluxDbLineEncoder<T> implements ElementConverter<T, InfluxDbLine> {

    private static final long serialVersionUID = 1L;

    private final InfluxDbPointConverter<T> converter;
    private final boolean failOnUnencodable;
    private final String target;

    public InfluxDbLineEncoder(
            InfluxDbPointConverter<T> converter, boolean failOnUnencodable, String target) {
        this.converter = converter;
        this.failOnUnencodable = failOnUnencodable;
        this.target = target;
    }

    @Override
    public InfluxDbLine apply(T element, SinkWriter.Context context) {
        InfluxDbLine entry = InfluxDbLine.of(converter.convert(element));
        if (!entry.encoded() && failOnUnencodable) {
            throw new InfluxDbWriteException(
                    String.format(
                            "Cannot write %s to %s: %s (set influxdb.dead-letter-measurement to"
                                    + " hand such points to the rejected-point handler)",
                            entry.point, target, entry.problem));
        }
        return entry;
    }
}
