package io.vigil.connectors.influxdb.sink;

import io.vigil.connectors.influxdb.sink.internal.InfluxDbHttpClient;
import io.vigil.connectors.influxdb.sink.internal.InfluxDbLine;
import io.vigil.connectors.influxdb.sink.internal.InfluxDbLineEncoder;
import io.vigil.connectors.influxdb.sink.internal.InfluxDbLineSerializer;
import io.vigil.connectors.influxdb.sink.internal.InfluxDbSinkWriter;
import io.vigil.connectors.influxdb.sink.internal.InfluxDbWriterSettings;
import java.util.Collection;
import java.util.Collections;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An at-least-once Flink sink on Flink's {@link AsyncSinkBase} that writes points to InfluxDB over
 * the v1 {@code /write} API in batches, has everything it took in stored before each checkpoint
 * completes, retries transient errors and back-pressures when InfluxDB is slow or down.
 *
 * <pre>{@code
 * InfluxDbSink<Reading> sink = InfluxDbSink.<Reading>builder()
 *         .setUrl("http://localhost:8086")
 *         .setDatabase("vigil")
 *         .set(InfluxDbSinkOptions.USERNAME, "writer")
 *         .set(InfluxDbSinkOptions.PASSWORD_ENV, "INFLUXDB_PASSWORD")
 *         .setConverter(r -> InfluxDbPoint.builder("readings")
 *                 .tag("device", r.device())
 *                 .field("value", r.value())
 *                 .timestamp(r.timestampMillis())
 *                 .build())
 *         .build();
 * stream.sinkTo(sink).name("influxdb").uid("influxdb-sink");
 * }</pre>
 *
 * @param <T> the stream element type
 */
@PublicEvolving
public final class InfluxDbSink<T> extends AsyncSinkBase<T, InfluxDbLine> {

    private static final long serialVersionUID = 1L;

    private final InfluxDbLineEncoder<T> encoder;
    private final InfluxDbRejectedPointHandler rejectedPointHandler;
    private final Configuration config;

    InfluxDbSink(
            InfluxDbPointConverter<T> converter,
            InfluxDbRejectedPointHandler rejectedPointHandler,
            Configuration config) {
        this(encoder(converter, rejectedPointHandler, config), rejectedPointHandler, config);
    }

    private InfluxDbSink(
            InfluxDbLineEncoder<T> encoder,
            InfluxDbRejectedPointHandler rejectedPointHandler,
            Configuration config) {
        // The writer makes its own AsyncSinkWriterConfiguration from the options, with the
        // in-flight limit as its rate limiting strategy; these are the same limits.
        super(
                encoder,
                config.get(InfluxDbSinkOptions.BATCH_MAX_POINTS),
                config.get(InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES),
                config.get(InfluxDbSinkOptions.BATCH_MAX_POINTS) + 1,
                config.get(InfluxDbSinkOptions.BATCH_MAX_BYTES).getBytes(),
                Math.max(1, config.get(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL).toMillis()),
                config.get(InfluxDbSinkOptions.BATCH_MAX_BYTES).getBytes());
        this.encoder = encoder;
        this.rejectedPointHandler = rejectedPointHandler;
        this.config = config;
    }

    private static <T> InfluxDbLineEncoder<T> encoder(
            InfluxDbPointConverter<T> converter,
            InfluxDbRejectedPointHandler rejectedPointHandler,
            Configuration config) {
        InfluxDbWriterSettings settings = InfluxDbWriterSettings.fromConfiguration(config);
        return new InfluxDbLineEncoder<>(
                converter,
                settings.rejectedPointHandler(rejectedPointHandler) == null,
                settings.target());
    }

    /** Starts building a sink for elements of type {@code T}. */
    public static <T> InfluxDbSinkBuilder<T> builder() {
        return new InfluxDbSinkBuilder<>();
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<InfluxDbLine>> createWriter(
            WriterInitContext context) {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<InfluxDbLine>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<InfluxDbLine>> restored) {
        InfluxDbWriterSettings settings = InfluxDbWriterSettings.fromConfiguration(config);
        InfluxDbHttpClient client = new InfluxDbHttpClient(settings);
        try {
            client.prepareDatabase();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return new InfluxDbSinkWriter<>(
                encoder,
                settings,
                settings.rejectedPointHandler(rejectedPointHandler),
                client,
                context,
                restored);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<InfluxDbLine>>
            getWriterStateSerializer() {
        return new InfluxDbLineSerializer();
    }
}
