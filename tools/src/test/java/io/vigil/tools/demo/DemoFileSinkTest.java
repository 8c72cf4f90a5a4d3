package io.vigil.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.job.InfluxPoints;
import io.vigil.model.Alert;
import io.vigil.model.WindowAggregate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoFileSinkTest {

    @TempDir Path dir;

    private static WindowAggregate aggregate(int i) {
        return new WindowAggregate(
                "plant-a",
                "mic-0" + i,
                "sound",
                "1m",
                60_000L * i,
                60_000L * (i + 1),
                60,
                50.0,
                70.0,
                55.5,
                2.5,
                56.0,
                58.1);
    }

    private static Alert alert(double peak) {
        return new Alert(
                "sound-burst",
                "burst",
                "warning",
                "plant-a",
                "mic-01",
                "sound",
                1_000,
                4_000,
                4,
                peak,
                "loud");
    }

    @Test
    void writesTheSameLineProtocolAsTheInfluxDbSinkOnFlush() throws Exception {
        Path file = dir.resolve("out.lp");
        try (SinkWriter<WindowAggregate> writer =
                new LineProtocolFileSink<WindowAggregate>(file, InfluxPoints::aggregate)
                        .createWriter(null)) {
            writer.write(aggregate(1), null);
            writer.write(aggregate(2), null);
            assertThat(file).as("nothing before the flush").isEmptyFile();

            writer.flush(false);

            assertThat(Files.readAllLines(file))
                    .containsExactly(
                            LineProtocol.encode(InfluxPoints.aggregate(aggregate(1))),
                            LineProtocol.encode(InfluxPoints.aggregate(aggregate(2))));
        }
        assertThat(Files.readString(file)).startsWith("sensor_aggregates,device=mic-01,");
    }

    @Test
    void writersOfSeveralMeasurementsAppendWholeLinesToOneFile() throws Exception {
        Path file = dir.resolve("out.lp");
        Files.writeString(file, "# earlier run\n");
        try (SinkWriter<WindowAggregate> aggregates =
                        new LineProtocolFileSink<WindowAggregate>(file, InfluxPoints::aggregate)
                                .createWriter(null);
                SinkWriter<Alert> alerts =
                        new LineProtocolFileSink<Alert>(file, InfluxPoints::alert)
                                .createWriter(null)) {
            aggregates.write(aggregate(1), null);
            alerts.write(alert(97.5), null);
            alerts.flush(false);
            aggregates.flush(false);
            aggregates.write(aggregate(2), null);
        }

        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "# earlier run",
                        LineProtocol.encode(InfluxPoints.alert(alert(97.5))),
                        LineProtocol.encode(InfluxPoints.aggregate(aggregate(1))),
                        LineProtocol.encode(InfluxPoints.aggregate(aggregate(2))));
    }

    @Test
    void appendsWithoutAFlushOnceTheBufferIsFull() throws Exception {
        Path file = dir.resolve("out.lp");
        try (SinkWriter<WindowAggregate> writer =
                new LineProtocolFileSink<WindowAggregate>(file, InfluxPoints::aggregate)
                        .createWriter(null)) {
            int lineLength = LineProtocol.encode(InfluxPoints.aggregate(aggregate(1))).length();
            for (int i = 0; i <= LineProtocolFileSink.MAX_BUFFERED_CHARS / lineLength; i++) {
                writer.write(aggregate(1), null);
            }

            assertThat(Files.size(file))
                    .isGreaterThanOrEqualTo(LineProtocolFileSink.MAX_BUFFERED_CHARS);
        }
    }

    @Test
    void writesAPointLineProtocolCannotCarryAsACommentLine() throws Exception {
        Path file = dir.resolve("out.lp");
        try (SinkWriter<Alert> writer =
                new LineProtocolFileSink<Alert>(file, InfluxPoints::alert).createWriter(null)) {
            writer.write(alert(Double.NaN), null);
            writer.write(alert(90.0), null);
        }

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("# skipped a point of alerts: ").contains("NaN");
        assertThat(lines.get(1)).startsWith("alerts,");
    }

    @Test
    void namesTheFileItCannotOpen() {
        Path file = dir.resolve("missing-dir/out.lp");
        LineProtocolFileSink<InfluxDbPoint> sink = new LineProtocolFileSink<>(file, p -> p);

        assertThatThrownBy(() -> sink.createWriter(null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot open " + file);
    }
}
