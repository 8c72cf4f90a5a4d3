package io.vigil.benchmarks;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Points per second of {@link LineProtocol#encode} over {@code sensor_aggregates} points, against
 * two encoders that skip every check and escape: one {@link String#format} per line (what one
 * writes by hand for this one measurement) and {@link StringBuilder} appends (the floor of the
 * work). For these points all three give the same text (checked by {@code BenchmarkInputsTest}).
 */
public class LineProtocolBenchmark extends ThroughputBenchmark {

    private RoundRobin<InfluxDbPoint> points;

    @Setup
    public void setUp() {
        points = new RoundRobin<>(BenchmarkInputs.aggregatePoints().toArray(new InfluxDbPoint[0]));
    }

    @Benchmark
    public String encode() {
        return LineProtocol.encode(points.next());
    }

    @Benchmark
    public String stringFormatBaseline() {
        return formatUnescaped(points.next());
    }

    @Benchmark
    public String stringBuilderBaseline() {
        return appendUnescaped(points.next());
    }

    static String formatUnescaped(InfluxDbPoint p) {
        Map<String, String> tags = p.tags();
        Map<String, Object> fields = p.fields();
        long nanos = p.timestampMillis() * 1_000_000L;
        // Sound aggregates carry a Leq field, which sorts between last and max.
        Object leq = fields.get("leq");
        return String.format(
                "%s,device=%s,metric=%s,site=%s,window=%s"
                        + " count=%di,last=%s%s,max=%s,mean=%s,min=%s,stddev=%s %d",
                p.measurement(),
                tags.get("device"),
                tags.get("metric"),
                tags.get("site"),
                tags.get("window"),
                fields.get("count"),
                fields.get("last"),
                leq == null ? "" : ",leq=" + leq,
                fields.get("max"),
                fields.get("mean"),
                fields.get("min"),
                fields.get("stddev"),
                nanos);
    }

    static String appendUnescaped(InfluxDbPoint p) {
        StringBuilder line = new StringBuilder(64).append(p.measurement());
        for (Map.Entry<String, String> tag : p.tags().entrySet()) {
            line.append(',').append(tag.getKey()).append('=').append(tag.getValue());
        }
        char separator = ' ';
        for (Map.Entry<String, Object> field : p.fields().entrySet()) {
            line.append(separator).append(field.getKey()).append('=').append(field.getValue());
            separator = ',';
            if (field.getValue() instanceof Long) {
                line.append('i');
            }
        }
        return line.append(' ').append(p.timestampMillis() * 1_000_000L).toString();
    }
}
