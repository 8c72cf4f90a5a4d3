package io.vigil.connectors.influxdb.sink;

import io.vigil.connectors.influxdb.sink.internal.InfluxDbWriterSettings;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Builds an {@link InfluxDbSink}; {@link #build()} checks every setting.
 *
 * @param <T> the stream element type
 */
@PublicEvolving
public final class InfluxDbSinkBuilder<T> {

    private final Configuration config = new Configuration();
    private InfluxDbPointConverter<T> converter;
    private InfluxDbRejectedPointHandler rejectedPointHandler;

    InfluxDbSinkBuilder() {}

    /** Base URL of InfluxDB's HTTP API ({@link InfluxDbSinkOptions#URL}). */
    public InfluxDbSinkBuilder<T> setUrl(String url) {
        return set(InfluxDbSinkOptions.URL, url);
    }

    /** Database to write to ({@link InfluxDbSinkOptions#DATABASE}). */
    public InfluxDbSinkBuilder<T> setDatabase(String database) {
        return set(InfluxDbSinkOptions.DATABASE, database);
    }

    /** How each element becomes a point. */
    public InfluxDbSinkBuilder<T> setConverter(InfluxDbPointConverter<T> converter) {
        this.converter = converter;
        return this;
    }

    /**
     * What happens to points InfluxDB rejects or line protocol cannot carry; without one they are
     * logged and dropped ({@link InfluxDbRejectedPointHandler#logAndDrop()}), or fail the job when
     * {@link InfluxDbSinkOptions#DEAD_LETTER_MEASUREMENT} is empty.
     */
    public InfluxDbSinkBuilder<T> setRejectedPointHandler(InfluxDbRejectedPointHandler handler) {
        this.rejectedPointHandler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /** Sets one option of {@link InfluxDbSinkOptions}. */
    public <V> InfluxDbSinkBuilder<T> set(ConfigOption<V> option, V value) {
        Objects.requireNonNull(option, "option");
        Objects.requireNonNull(value, () -> "value of " + option.key());
        config.set(option, value);
        return this;
    }

    /** Copies every {@code influxdb.*} option that is set in the given configuration. */
    public InfluxDbSinkBuilder<T> setConfiguration(ReadableConfig configuration) {
        InfluxDbWriterSettings.copyOptions(configuration, config);
        return this;
    }

    /** Checks the settings and returns the sink. */
    public InfluxDbSink<T> build() {
        if (converter == null) {
            throw new IllegalArgumentException(
                    "No converter set: call setConverter(...) to turn elements into points");
        }
        // Validates every option the same way the writer will read them.
        InfluxDbWriterSettings.validate(config);
        return new InfluxDbSink<>(converter, rejectedPointHandler, new Configuration(config));
    }
}
