package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** {@code build()} accepts good settings and names the setting and value of a bad one. */
class InfluxDbSinkBuilderTest {

    private static InfluxDbSinkBuilder<Long> valid() {
        return InfluxDbSink.<Long>builder()
                .setUrl("http://127.0.0.1:8086")
                .setDatabase("vigil")
                .setConverter(n -> InfluxDbPoint.builder("m").field("x", n).timestamp(n).build());
    }

    @Test
    void buildsASerializableSinkFromGoodSettings() throws Exception {
        InfluxDbSink<Long> sink =
                valid().set(InfluxDbSinkOptions.USERNAME, "writer")
                        .set(InfluxDbSinkOptions.PASSWORD_ENV, "INFLUX_PASSWORD")
                        .set(InfluxDbSinkOptions.RETENTION_POLICY, "autogen")
                        .build();
        assertThat(InstantiationUtil.clone(sink)).isNotNull();
    }

    @Test
    void readsOptionsFromAFlinkConfiguration() {
        Configuration config = new Configuration();
        config.setString("influxdb.url", "https://influx.example.com:8086");
        config.setString("influxdb.database", "fromconfig");
        config.setString("influxdb.batch.max-points", "0");
        config.setString("unrelated.key", "x");

        assertThatThrownBy(
                        () ->
                                InfluxDbSink.<Long>builder()
                                        .setConfiguration(config)
                                        .setConverter(
                                                n ->
                                                        InfluxDbPoint.builder("m")
                                                                .field("x", n)
                                                                .timestamp(n)
                                                                .build())
                                        .build())
                .hasMessage(
                        "InfluxDB sink option 'influxdb.batch.max-points' must be at least 1, got"
                                + " '0'");
    }

    @Test
    void rejectsBadSettingsNamingTheOption() {
        assertRejected(
                InfluxDbSink.<Long>builder().setDatabase("d").setConverter(n -> null),
                "'influxdb.url' is required");
        assertRejected(valid().setUrl("ftp://host"), "'influxdb.url' must be an http://");
        assertRejected(valid().setUrl("not a url"), "'influxdb.url' is not a URL");
        assertRejected(valid().setDatabase(" "), "'influxdb.database' is required");
        assertRejected(
                valid().set(InfluxDbSinkOptions.USERNAME, "u"),
                "'influxdb.username' needs influxdb.password-env or influxdb.password-file");
        assertRejected(
                valid().set(InfluxDbSinkOptions.PASSWORD_FILE, "/run/secret"),
                "'influxdb.username' is required when a password is configured");
        assertRejected(
                valid().set(InfluxDbSinkOptions.PASSWORD_FILE, "/a")
                        .set(InfluxDbSinkOptions.PASSWORD_ENV, "B")
                        .set(InfluxDbSinkOptions.USERNAME, "u"),
                "'influxdb.password-file' cannot be combined with influxdb.password-env");
        assertRejected(
                valid().set(InfluxDbSinkOptions.TOKEN_ENV, "T")
                        .set(InfluxDbSinkOptions.USERNAME, "u")
                        .set(InfluxDbSinkOptions.PASSWORD_ENV, "P"),
                "'influxdb.username' cannot be combined with a token");
        assertRejected(
                valid().set(InfluxDbSinkOptions.TLS_CA_FILE, "/ca.pem"),
                "'influxdb.tls.ca-file' only applies to an https://");
        assertRejected(
                valid().set(InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES, 0),
                "'influxdb.max-in-flight-batches' must be at least 1, got '0'");
        assertRejected(
                valid().set(InfluxDbSinkOptions.BATCH_MAX_BYTES, MemorySize.parse("10b")),
                "'influxdb.batch.max-bytes' must be at least 1 kb");
        assertRejected(
                valid().set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofMillis(-1)),
                "'influxdb.batch.flush-interval' must not be negative");
        assertRejected(
                valid().set(InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS, 0),
                "'influxdb.retry.max-attempts' must be at least 1");
        assertRejected(
                valid().set(InfluxDbSinkOptions.REQUEST_TIMEOUT, Duration.ZERO),
                "'influxdb.request-timeout' must be longer than zero");
        assertRejected(
                valid().set(InfluxDbSinkOptions.RETRY_INITIAL_BACKOFF, Duration.ofSeconds(30)),
                "'influxdb.retry.max-backoff' must not be shorter than");
        assertRejected(
                valid().set(InfluxDbSinkOptions.CREATE_DATABASE, true)
                        .set(InfluxDbSinkOptions.VERIFY_DATABASE, false),
                "'influxdb.verify-database' cannot be false");
        assertRejected(
                valid().set(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT, "#dl"),
                "'influxdb.dead-letter-measurement' is not a valid measurement");
    }

    @Test
    void requiresAConverter() {
        assertThatThrownBy(
                        () ->
                                InfluxDbSink.<Long>builder()
                                        .setUrl("http://h:1")
                                        .setDatabase("d")
                                        .build())
                .hasMessageContaining("No converter set");
    }

    private static void assertRejected(InfluxDbSinkBuilder<Long> builder, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
