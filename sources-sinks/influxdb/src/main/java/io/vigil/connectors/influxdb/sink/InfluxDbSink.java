package io.vigil.connectors.influxdb.sink;

import io.vigil.connectors.influxdb.sink.internal.InfluxDbHttpClient;
import io.vigil.connectors.influxdb.sink.internal.InfluxDbSinkWriter;
import io.vigil.connectors.influxdb.sink.internal.InfluxDbWriterSettings;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;

/**
 * An at-least-once Flink sink (Sink V2) that writes points to InfluxDB over the v1 {@code /write}
 * API in batches, sends everything buffered before each checkpoint completes, retries transient
 * errors and back-pressures when InfluxDB is slow or down.
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
public final class InfluxDbSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final InfluxDbPointConverter<T> converter;
    private final Configuration config;

    InfluxDbSink(InfluxDbPointConverter<T> converter, Configuration config) {
        this.converter = converter;
        this.config = config;
    }

    /** Starts building a sink for elements of type {@code T}. */
    public static <T> InfluxDbSinkBuilder<T> builder() {
        return new InfluxDbSinkBuilder<>();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        InfluxDbWriterSettings settings = InfluxDbWriterSettings.fromConfiguration(config);
        InfluxDbHttpClient client = new InfluxDbHttpClient(settings);
        try {
            client.prepareDatabase();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return new InfluxDbSinkWriter<>(
                converter,
                settings,
                client,
                context.getProcessingTimeService(),
                context.metricGroup(),
                context.getTaskInfo().getIndexOfThisSubtask());
    }
}
