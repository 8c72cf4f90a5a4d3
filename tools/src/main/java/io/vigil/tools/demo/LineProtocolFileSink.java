package io.vigil.tools.demo;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.connectors.influxdb.sink.UnrepresentablePointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Appends the InfluxDB line protocol of each element to a local file, the demo's stand-in for
 * InfluxDB: the file can later be loaded with {@code curl --data-binary @FILE .../write?db=vigil}.
 *
 * <p>Several writers (one per measurement) may append to the same file: each flush appends whole
 * lines in a single write to a file opened for appending, so lines never interleave. A point that
 * line protocol cannot carry (say, a NaN field) becomes a {@code #} comment line naming the
 * problem, so that nothing disappears silently.
 *
 * <pre>{@code
 * aggregates.sinkTo(new LineProtocolFileSink<>(Path.of("vigil.lp"), InfluxPoints::aggregate));
 * }</pre>
 *
 * @param <T> the stream element type
 */
public final class LineProtocolFileSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    /** Buffered text beyond which a write appends to the file without waiting for a flush. */
    static final int MAX_BUFFERED_CHARS = 64 * 1024;

    private final String file;
    private final InfluxDbPointConverter<T> converter;

    public LineProtocolFileSink(Path file, InfluxDbPointConverter<T> converter) {
        if (file == null || converter == null) {
            throw new IllegalArgumentException(
                    String.format(
                            "Line protocol file sink needs a file and a converter, was %s and %s",
                            file, converter));
        }
        this.file = file.toAbsolutePath().toString();
        this.converter = converter;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(Path.of(file), converter);
    }

    /** Buffers lines and appends them on each flush (every checkpoint) and on close. */
    static final class Writer<T> implements SinkWriter<T> {
        private final Path file;
        private final InfluxDbPointConverter<T> converter;
        private final FileChannel channel;
        private final StringBuilder buffer = new StringBuilder();

        Writer(Path file, InfluxDbPointConverter<T> converter) throws IOException {
            this.file = file;
            this.converter = converter;
            try {
                this.channel =
                        FileChannel.open(
                                file,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new IOException(String.format("Cannot open %s for appending", file), e);
            }
        }

        @Override
        public void write(T element, Context context) throws IOException {
            InfluxDbPoint point = converter.convert(element);
            try {
                buffer.append(LineProtocol.encode(point)).append('\n');
            } catch (UnrepresentablePointException e) {
                buffer.append("# skipped a point of ")
                        .append(point.measurement().replace('\n', ' '))
                        .append(": ")
                        .append(e.getMessage().replace('\n', ' '))
                        .append('\n');
            }
            if (buffer.length() >= MAX_BUFFERED_CHARS) {
                append();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            append();
        }

        @Override
        public void close() throws IOException {
            try {
                append();
            } finally {
                channel.close();
            }
        }

        private void append() throws IOException {
            if (buffer.length() == 0) {
                return;
            }
            ByteBuffer bytes = ByteBuffer.wrap(buffer.toString().getBytes(StandardCharsets.UTF_8));
            try {
                // One write call for all lines: with O_APPEND the lines land together at the end.
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                throw new IOException(String.format("Cannot append to %s", file), e);
            }
            buffer.setLength(0);
        }
    }
}
