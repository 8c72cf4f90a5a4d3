package io.vigil.benchmarks;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbSink;
import io.vigil.testing.InfluxDbExtension;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Points per second through {@link InfluxDbSink} into a real InfluxDB 1.x ({@code
 * /usr/bin/influxd}, started as the tests start it), on a local Flink environment at parallelism 1
 * with a checkpoint every second, so that flushes on checkpoints are part of the measure. Each
 * round writes distinct points to a fresh database and checks that every one is stored.
 *
 * <pre>{@code
 * mvn -B -o -q -pl benchmarks -am package -DskipTests
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     io.vigil.benchmarks.InfluxDbWriteBenchmark 200000 5
 * }</pre>
 */
public final class InfluxDbWriteBenchmark {

    private static final long START_MILLIS = 1_764_547_200_000L;

    private InfluxDbWriteBenchmark() {}

    public static void main(String[] args) throws Exception {
        long points = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        InfluxDbExtension influxDb = new InfluxDbExtension();
        // The extension ignores its JUnit context: these start and stop the server.
        influxDb.beforeAll(null);
        try {
            for (int round = 0; round <= rounds; round++) {
                String database = "bench" + round;
                influxDb.createDatabase(database);
                long millis = run(influxDb.url(), database, points);
                long stored = count(influxDb, database);
                if (stored != points) {
                    throw new IllegalStateException(
                            String.format(
                                    "Round %d stored %d of %d points", round, stored, points));
                }
                System.out.printf(
                        "%s %d points in %d ms: %.0f points/s%n",
                        round == 0 ? "warm-up" : "round " + round,
                        points,
                        millis,
                        points * 1000.0 / millis);
            }
        } finally {
            influxDb.afterAll(null);
        }
    }

    private static long run(String url, String database, long points) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(1000);
        env.fromSequence(0, points - 1)
                .sinkTo(
                        InfluxDbSink.<Long>builder()
                                .setUrl(url)
                                .setDatabase(database)
                                .setConverter(InfluxDbWriteBenchmark::point)
                                .build());
        JobExecutionResult result = env.execute("influxdb write benchmark");
        return result.getNetRuntime();
    }

    /** A sensor_aggregates-like point; every n gives another series or time. */
    static InfluxDbPoint point(Long n) {
        return InfluxDbPoint.builder("bench")
                .tag("site", "site-" + (n % 7))
                .tag("device", "device-" + (n % 100))
                .field("count", n)
                .field("mean", n * 0.5)
                .field("max", n * 0.75)
                .field("min", n * 0.25)
                .timestamp(START_MILLIS + n / 100)
                .build();
    }

    private static long count(InfluxDbExtension influxDb, String database) {
        Map<String, Object> row =
                influxDb.query(database, "SELECT count(\"count\") FROM bench").get(0);
        return ((Number) row.get("count")).longValue();
    }
}
