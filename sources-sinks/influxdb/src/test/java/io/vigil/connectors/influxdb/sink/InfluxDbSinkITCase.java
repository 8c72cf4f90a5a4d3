package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MiniClusters;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink against a real InfluxDB: rejected points, and the database at start. */
class InfluxDbSinkITCase {

    @RegisterExtension static final InfluxDbExtension INFLUXDB = new InfluxDbExtension();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 1);

    /** A job environment that fails at the first error instead of restarting. */
    static StreamExecutionEnvironment noRestarts() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        return env;
    }

    @Test
    void sendsPointsRejectedForAFieldTypeConflictToDeadLettersAndWritesTheRest() throws Exception {
        INFLUXDB.createDatabase("conflict");
        StreamExecutionEnvironment env = noRestarts();
        env.fromData(1L, 2L, 3L, 4L)
                .sinkTo(
                        withDeadLetters("conflict")
                                .setConverter(
                                        n -> {
                                            InfluxDbPoint.Builder p =
                                                    InfluxDbPoint.builder("m")
                                                            .tag("n", "p" + n)
                                                            .timestamp(n);
                                            // Integer first, then a string for the same field.
                                            return n == 3
                                                    ? p.field("x", "three").build()
                                                    : p.field("x", n).build();
                                        })
                                .build());
        env.execute("field type conflict");

        List<Map<String, Object>> rows = INFLUXDB.query("conflict", "SELECT n, x FROM m");
        assertThat(rows)
                .extracting(r -> r.get("n"), r -> ((Number) r.get("x")).longValue())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("p1", 1L),
                        org.assertj.core.groups.Tuple.tuple("p2", 2L),
                        org.assertj.core.groups.Tuple.tuple("p4", 4L));
        List<Map<String, Object>> deadLetters =
                INFLUXDB.query("conflict", "SELECT * FROM dead_letters");
        assertThat(deadLetters).hasSize(1);
        Map<String, Object> letter = deadLetters.get(0);
        assertThat(letter.get("reason")).isEqualTo("rejected-by-sink");
        assertThat(letter.get("topic")).isEqualTo("m");
        assertThat(letter.get("payload")).isEqualTo("m,n=p3 x=\"three\" 3000000");
        assertThat(((Number) letter.get("count")).longValue()).isEqualTo(1);
        assertThat((String) letter.get("error")).contains("field type conflict");
    }

    @Test
    void sendsPointsConflictingWithAStoredFieldTypeToDeadLettersAndWritesTheRest()
            throws Exception {
        INFLUXDB.createDatabase("stored");
        StreamExecutionEnvironment first = noRestarts();
        first.fromData(1L, 2L).sinkTo(conflictSink("stored"));
        first.execute("integers first");

        // 10 and 12 carry a string for x, which is stored as an integer by now.
        StreamExecutionEnvironment second = noRestarts();
        second.fromData(10L, 11L, 12L, 13L).sinkTo(conflictSink("stored"));
        second.execute("then strings");

        assertThat(INFLUXDB.query("stored", "SELECT x FROM m"))
                .extracting(r -> ((Number) r.get("time")).longValue())
                .containsExactly(1L, 2L, 11L, 13L);
        assertThat(INFLUXDB.query("stored", "SELECT payload, error FROM dead_letters"))
                .extracting(r -> r.get("payload"))
                .containsExactlyInAnyOrder(
                        "m,n=p10 x=\"s10\" 10000000", "m,n=p12 x=\"s12\" 12000000");
        assertThat(INFLUXDB.query("stored", "SELECT error FROM dead_letters"))
                .allSatisfy(
                        r ->
                                assertThat((String) r.get("error"))
                                        .startsWith("partial write: field type conflict"));
    }

    /** A sink to the database that writes rejected points as dead letters. */
    private static InfluxDbSinkBuilder<Long> withDeadLetters(String database) {
        return InfluxDbSink.<Long>builder()
                .setUrl(INFLUXDB.url())
                .setDatabase(database)
                .setRejectedPointHandler(new DeadLetterPoints());
    }

    private static InfluxDbSink<Long> conflictSink(String database) {
        return withDeadLetters(database)
                .setConverter(
                        n -> {
                            InfluxDbPoint.Builder p =
                                    InfluxDbPoint.builder("m").tag("n", "p" + n).timestamp(n);
                            return n % 2 == 0 && n >= 10
                                    ? p.field("x", "s" + n).build()
                                    : p.field("x", n).build();
                        })
                .build();
    }

    @Test
    void writesToTheConfiguredRetentionPolicyWithoutGzip() throws Exception {
        INFLUXDB.createDatabase("rp_test");
        INFLUXDB.execute("CREATE RETENTION POLICY short ON rp_test DURATION 1000w REPLICATION 1");
        StreamExecutionEnvironment env = noRestarts();
        env.fromData(1L, 2L, 3L)
                .sinkTo(
                        InfluxDbSink.<Long>builder()
                                .setUrl(INFLUXDB.url())
                                .setDatabase("rp_test")
                                .set(InfluxDbSinkOptions.RETENTION_POLICY, "short")
                                .set(InfluxDbSinkOptions.GZIP, false)
                                .setConverter(
                                        n ->
                                                InfluxDbPoint.builder("m")
                                                        .field("x", n)
                                                        .timestamp(System.currentTimeMillis() + n)
                                                        .build())
                                .build());
        env.execute("retention policy");

        assertThat(INFLUXDB.query("rp_test", "SELECT x FROM \"short\".m")).hasSize(3);
        assertThat(INFLUXDB.query("rp_test", "SELECT x FROM \"autogen\".m")).isEmpty();
    }

    @Test
    void keepsPointsApartThatDifferOnlyBelowTheMillisecond() throws Exception {
        StreamExecutionEnvironment env = noRestarts();
        env.fromData(1, 2, 3)
                .sinkTo(
                        InfluxDbSink.<Integer>builder()
                                .setUrl(INFLUXDB.url())
                                .setDatabase("nanos")
                                .set(InfluxDbSinkOptions.CREATE_DATABASE, true)
                                .setConverter(
                                        n ->
                                                InfluxDbPoint.builder("m")
                                                        .field("x", (long) n)
                                                        .timestamp(5_000L, n)
                                                        .build())
                                .build());
        env.execute("nanoseconds");

        assertThat(countOfX("nanos")).isEqualTo(3L);
    }

    @Test
    void sendsAPointWithAKeyOverInfluxDbsLimitToDeadLettersAndWritesTheRest() throws Exception {
        INFLUXDB.createDatabase("longkey");
        String longTag = "t".repeat(70_000);
        StreamExecutionEnvironment env = noRestarts();
        env.fromData(1L, 2L, 3L, 4L)
                .sinkTo(
                        withDeadLetters("longkey")
                                // Alone in its request, the bad point gets the request refused.
                                .set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 1)
                                .setConverter(
                                        n ->
                                                InfluxDbPoint.builder("m")
                                                        .tag("n", n == 3 ? longTag : "p" + n)
                                                        .field("x", n)
                                                        .timestamp(n)
                                                        .build())
                                .build());
        env.execute("key over 64 KiB");

        assertThat(INFLUXDB.query("longkey", "SELECT n, x FROM m"))
                .extracting(r -> r.get("n"))
                .containsExactly("p1", "p2", "p4");
        List<Map<String, Object>> deadLetters =
                INFLUXDB.query("longkey", "SELECT * FROM dead_letters");
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).get("reason")).isEqualTo("rejected-by-sink");
        assertThat((String) deadLetters.get(0).get("payload")).startsWith("m,n=ttt");
        assertThat((String) deadLetters.get(0).get("error")).contains("unable to parse");
    }

    @Test
    void failsOnAWriteToAMissingDatabaseWithTheServersMessage() {
        StreamExecutionEnvironment env = noRestarts();
        env.fromData(1L)
                .sinkTo(
                        sinkOfX("vanished")
                                .setRejectedPointHandler(new DeadLetterPoints())
                                .set(InfluxDbSinkOptions.VERIFY_DATABASE, false)
                                .build());

        assertThatThrownBy(() -> env.execute("missing database on write"))
                .rootCause()
                .hasMessageContaining("refused 1 line(s) with HTTP 404: database not found")
                .hasMessageContaining("does the database exist?");
    }

    @Test
    void failsAtStartWhenTheDatabaseIsMissing() {
        StreamExecutionEnvironment env = noRestarts();
        env.fromData(1L).sinkTo(sinkOfX("missing").build());

        assertThatThrownBy(() -> env.execute("missing database"))
                .rootCause()
                .hasMessage(
                        "Database 'missing' does not exist on %s: create it, or set"
                                + " influxdb.create-database: true",
                        INFLUXDB.url());
    }

    @Test
    void createsTheDatabaseWhenConfigured() throws Exception {
        StreamExecutionEnvironment env = noRestarts();
        env.fromData(1L, 2L)
                .sinkTo(sinkOfX("created").set(InfluxDbSinkOptions.CREATE_DATABASE, true).build());
        env.execute("create database");

        assertThat(countOfX("created")).isEqualTo(2L);
    }

    /** A sink of the points {@code m x=<n>i} at {@code n} ms. */
    private static InfluxDbSinkBuilder<Long> sinkOfX(String database) {
        return InfluxDbSink.<Long>builder()
                .setUrl(INFLUXDB.url())
                .setDatabase(database)
                .setConverter(n -> InfluxDbPoint.builder("m").field("x", n).timestamp(n).build());
    }

    private static long countOfX(String database) {
        return ((Number) INFLUXDB.query(database, "SELECT count(x) FROM m").get(0).get("count"))
                .longValue();
    }
}
