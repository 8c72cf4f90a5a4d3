package io.vigil.connectors.influxdb.sink;

import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** Every setting of the {@link InfluxDbSink}, as typed Flink {@link ConfigOption}s. */
@PublicEvolving
public final class InfluxDbSinkOptions {

    public static final ConfigOption<String> URL =
            ConfigOptions.key("influxdb.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Base URL of InfluxDB's HTTP API, e.g. http://localhost:8086 or"
                                    + " https://influx.example.com:8086.");

    public static final ConfigOption<String> DATABASE =
            ConfigOptions.key("influxdb.database")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Database to write to (on InfluxDB 2.x: the database of a DBRP"
                                    + " mapping; on 3.x: the database name).");

    public static final ConfigOption<String> RETENTION_POLICY =
            ConfigOptions.key("influxdb.retention-policy")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Retention policy to write to; unset means the database's default.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("influxdb.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "User name for HTTP basic authentication; the password comes from"
                                    + " influxdb.password-env or influxdb.password-file.");

    public static final ConfigOption<String> PASSWORD_ENV =
            ConfigOptions.key("influxdb.password-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the environment variable (on the TaskManagers) that holds"
                                    + " the password.");

    public static final ConfigOption<String> PASSWORD_FILE =
            ConfigOptions.key("influxdb.password-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a file (on the TaskManagers) that holds the password;"
                                    + " surrounding whitespace is ignored.");

    public static final ConfigOption<String> TOKEN_ENV =
            ConfigOptions.key("influxdb.token-env")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Name of the environment variable that holds an API token, sent as"
                                    + " 'Authorization: Token ...' (InfluxDB 2.x and 3.x).");

    public static final ConfigOption<String> TOKEN_FILE =
            ConfigOptions.key("influxdb.token-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Path of a file that holds an API token.");

    public static final ConfigOption<String> TLS_CA_FILE =
            ConfigOptions.key("influxdb.tls.ca-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PEM file of the CA certificates to trust for HTTPS instead of the"
                                    + " JVM's default trust store.");

    public static final ConfigOption<Boolean> GZIP =
            ConfigOptions.key("influxdb.gzip")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("Compress write requests with gzip.");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("influxdb.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Timeout for opening a connection to InfluxDB.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            ConfigOptions.key("influxdb.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Timeout for one write request; a timeout is retried.");

    public static final ConfigOption<Integer> BATCH_MAX_POINTS =
            ConfigOptions.key("influxdb.batch.max-points")
                    .intType()
                    .defaultValue(5000)
                    .withDescription("A batch is sent when it holds this many points.");

    public static final ConfigOption<MemorySize> BATCH_MAX_BYTES =
            ConfigOptions.key("influxdb.batch.max-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.parse("4mb"))
                    .withDescription(
                            "A batch is sent when its line protocol reaches this size"
                                    + " (uncompressed).");

    public static final ConfigOption<Duration> BATCH_FLUSH_INTERVAL =
            ConfigOptions.key("influxdb.batch.flush-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "A non-empty batch is sent at least this often; 0 sends only on size"
                                    + " and on checkpoints.");

    public static final ConfigOption<Integer> MAX_IN_FLIGHT_BATCHES =
            ConfigOptions.key("influxdb.max-in-flight-batches")
                    .intType()
                    .defaultValue(2)
                    .withDescription(
                            "Batches being sent or retried at once per subtask; when all are"
                                    + " busy the sink back-pressures the pipeline.");

    public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
            ConfigOptions.key("influxdb.retry.max-attempts")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Attempts for one request (the first included) before a retryable"
                                    + " error fails the job.");

    public static final ConfigOption<Duration> RETRY_MAX_DURATION =
            ConfigOptions.key("influxdb.retry.max-duration")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Longest time spent retrying one request before failing the job.");

    public static final ConfigOption<Duration> RETRY_INITIAL_BACKOFF =
            ConfigOptions.key("influxdb.retry.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription("Backoff before the first retry; it doubles each retry.");

    public static final ConfigOption<Duration> RETRY_MAX_BACKOFF =
            ConfigOptions.key("influxdb.retry.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "Cap of the exponential backoff; a longer Retry-After from the"
                                    + " server is still honoured.");

    public static final ConfigOption<Boolean> CREATE_DATABASE =
            ConfigOptions.key("influxdb.create-database")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Create the database at start (CREATE DATABASE, needs admin rights"
                                    + " on 1.x); otherwise a missing database fails at start.");

    public static final ConfigOption<Boolean> VERIFY_DATABASE =
            ConfigOptions.key("influxdb.verify-database")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Check with SHOW DATABASES at start that the database exists; turn"
                                    + " off where that query is not served.");

    public static final ConfigOption<String> DEAD_LETTER_MEASUREMENT =
            ConfigOptions.key("influxdb.dead-letter-measurement")
                    .stringType()
                    .defaultValue("dead_letters")
                    .withDescription(
                            "Measurement for dead letters of points InfluxDB rejects or line"
                                    + " protocol cannot carry, for a rejected-point handler"
                                    + " that writes them (without a handler they are logged"
                                    + " and dropped); empty fails the job on such points when"
                                    + " no handler is set.");

    private InfluxDbSinkOptions() {}
}
