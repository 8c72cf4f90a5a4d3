package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MiniClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Points written by a Flink job come back from InfluxDB field for field. */
class InfluxDbSinkRoundTripITCase {

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @Test
    void writesEveryPointFieldForFieldIncludingStringsThatNeedEscaping() throws Exception {
        long seed = new Random().nextLong();
        List<TestReading> readings = generate(400, seed);
        String db = "roundtrip";

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(200);
        env.fromData(readings)
                .sinkTo(
                        InfluxDbSink.<TestReading>builder()
                                .setUrl(INFLUXDB.url())
                                .setDatabase(db)
                                .setRejectedPointHandler(new DeadLetterPoints())
                                .set(InfluxDbSinkOptions.CREATE_DATABASE, true)
                                .set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 37)
                                .setConverter(r -> r.toPoint("readings"))
                                .build())
                .name("influxdb");
        env.execute("round trip");

        Map<Long, Map<String, Object>> rows = new HashMap<>();
        for (Map<String, Object> row : INFLUXDB.query(db, "SELECT * FROM readings")) {
            rows.put(((Number) row.get("time")).longValue(), row);
        }
        int unrepresentable = 0;
        for (TestReading r : readings) {
            InfluxDbPoint point = r.toPoint("readings");
            try {
                LineProtocol.encode(point);
            } catch (UnrepresentablePointException e) {
                unrepresentable++;
                continue;
            }
            Map<String, Object> row = rows.remove(point.timestampMillis());
            assertThat(row).as("row of %s (seed %d)", point, seed).isNotNull();
            assertThat(asLong(row.get("id"))).as("seed %d", seed).isEqualTo(r.id);
            assertThat(row.get("note")).as("note of %s (seed %d)", point, seed).isEqualTo(r.note);
            assertThat(row.get("value")).as("seed %d", seed).isEqualTo(r.value);
            assertThat(asLong(row.get("count"))).as("seed %d", seed).isEqualTo(r.count);
            assertThat(row.get("flag")).as("seed %d", seed).isEqualTo(r.flag);
            assertThat(emptyAsNull(row.get("site")))
                    .as("site of %s (seed %d)", point, seed)
                    .isEqualTo(emptyAsNull(r.site));
            assertThat(emptyAsNull(row.get(r.extraTagKey)))
                    .as("tag %s of %s (seed %d)", r.extraTagKey, point, seed)
                    .isEqualTo(emptyAsNull(r.extraTagValue));
        }
        assertThat(rows).as("rows nobody wrote (seed %d)", seed).isEmpty();

        List<Map<String, Object>> deadLetters =
                INFLUXDB.query(
                        db,
                        "SELECT count, payload FROM dead_letters WHERE reason = 'rejected-by-sink'"
                                + " AND topic = 'readings'");
        assertThat(deadLetters).as("seed %d", seed).hasSize(unrepresentable);
    }

    @Test
    void measurementNamesThatNeedEscapingComeBackAsWritten() throws Exception {
        List<String> names =
                List.of(
                        "plain",
                        "with space",
                        "with,comma",
                        "with=equals",
                        "with\"quote",
                        "back\\\\slashes",
                        "umlaut-äöü",
                        "emoji-😀",
                        "tab\there");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(names)
                .sinkTo(
                        InfluxDbSink.<String>builder()
                                .setUrl(INFLUXDB.url())
                                .setDatabase("names")
                                .set(InfluxDbSinkOptions.CREATE_DATABASE, true)
                                .set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ZERO)
                                .setConverter(
                                        name ->
                                                InfluxDbPoint.builder(name)
                                                        .field("v", 1L)
                                                        .timestamp(TestReading.BASE_TIME)
                                                        .build())
                                .build());
        env.execute("measurement names");

        Set<String> stored = new TreeSet<>();
        for (Map<String, Object> row : INFLUXDB.query("names", "SHOW MEASUREMENTS")) {
            stored.add((String) row.get("name"));
        }
        assertThat(stored).containsExactlyInAnyOrderElementsOf(names);
    }

    /** MessagePack sends small integers in fewer bytes; they come back as Integer. */
    private static Long asLong(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    private static Object emptyAsNull(Object value) {
        return "".equals(value) ? null : value;
    }

    static List<TestReading> generate(int count, long seed) {
        Random random = new Random(seed);
        List<TestReading> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            readings.add(
                    new TestReading(
                            i,
                            TrickyStrings.tricky(random, 10),
                            "k_" + TrickyStrings.tricky(random, 6),
                            TrickyStrings.tricky(random, 10),
                            TrickyStrings.tricky(random, 40),
                            TrickyStrings.finiteDouble(random),
                            TrickyStrings.anyLong(random),
                            random.nextBoolean()));
        }
        return readings;
    }
}
