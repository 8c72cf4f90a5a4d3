package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.connectors.influxdb.sink.UnrepresentablePointException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.FlinkRuntimeException;

/** The sink's options read and checked once, for the writer and its HTTP client. */
@Internal
public final class InfluxDbWriterSettings {

    private static final List<ConfigOption<?>> ALL_OPTIONS =
            List.of(
                    InfluxDbSinkOptions.URL,
                    InfluxDbSinkOptions.DATABASE,
                    InfluxDbSinkOptions.RETENTION_POLICY,
                    InfluxDbSinkOptions.USERNAME,
                    InfluxDbSinkOptions.PASSWORD_ENV,
                    InfluxDbSinkOptions.PASSWORD_FILE,
                    InfluxDbSinkOptions.TOKEN_ENV,
                    InfluxDbSinkOptions.TOKEN_FILE,
                    InfluxDbSinkOptions.TLS_CA_FILE,
                    InfluxDbSinkOptions.GZIP,
                    InfluxDbSinkOptions.CONNECT_TIMEOUT,
                    InfluxDbSinkOptions.REQUEST_TIMEOUT,
                    InfluxDbSinkOptions.BATCH_MAX_POINTS,
                    InfluxDbSinkOptions.BATCH_MAX_BYTES,
                    InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL,
                    InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES,
                    InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS,
                    InfluxDbSinkOptions.RETRY_MAX_DURATION,
                    InfluxDbSinkOptions.RETRY_INITIAL_BACKOFF,
                    InfluxDbSinkOptions.RETRY_MAX_BACKOFF,
                    InfluxDbSinkOptions.CREATE_DATABASE,
                    InfluxDbSinkOptions.VERIFY_DATABASE,
                    InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT);

    private static final Pattern USER_INFO = Pattern.compile("^([^/]*//)[^/?#]*@");

    final String url;

    /** The URL for logs and messages: any user info (a login, maybe a password) is masked. */
    final String displayUrl;

    final String database;
    final String retentionPolicy;
    final String username;
    final String passwordEnv;
    final String passwordFile;
    final String tokenEnv;
    final String tokenFile;
    final String caFile;
    final boolean gzip;
    final Duration connectTimeout;
    final Duration requestTimeout;
    final int batchMaxPoints;
    final long batchMaxBytes;
    final Duration flushInterval;
    final int maxInFlightBatches;
    final RetryPolicy retryPolicy;
    final boolean createDatabase;
    final boolean verifyDatabase;
    final String deadLetterMeasurement;

    private InfluxDbWriterSettings(ReadableConfig c) {
        url = stripTrailingSlash(c.get(InfluxDbSinkOptions.URL));
        displayUrl = withoutUserInfo(url);
        database = c.get(InfluxDbSinkOptions.DATABASE);
        retentionPolicy = c.get(InfluxDbSinkOptions.RETENTION_POLICY);
        username = c.get(InfluxDbSinkOptions.USERNAME);
        passwordEnv = c.get(InfluxDbSinkOptions.PASSWORD_ENV);
        passwordFile = c.get(InfluxDbSinkOptions.PASSWORD_FILE);
        tokenEnv = c.get(InfluxDbSinkOptions.TOKEN_ENV);
        tokenFile = c.get(InfluxDbSinkOptions.TOKEN_FILE);
        caFile = c.get(InfluxDbSinkOptions.TLS_CA_FILE);
        gzip = c.get(InfluxDbSinkOptions.GZIP);
        connectTimeout = c.get(InfluxDbSinkOptions.CONNECT_TIMEOUT);
        requestTimeout = c.get(InfluxDbSinkOptions.REQUEST_TIMEOUT);
        batchMaxPoints = c.get(InfluxDbSinkOptions.BATCH_MAX_POINTS);
        batchMaxBytes = c.get(InfluxDbSinkOptions.BATCH_MAX_BYTES).getBytes();
        flushInterval = c.get(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL);
        maxInFlightBatches = c.get(InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES);
        retryPolicy =
                new RetryPolicy(
                        c.get(InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS),
                        c.get(InfluxDbSinkOptions.RETRY_MAX_DURATION),
                        c.get(InfluxDbSinkOptions.RETRY_INITIAL_BACKOFF),
                        c.get(InfluxDbSinkOptions.RETRY_MAX_BACKOFF));
        createDatabase = c.get(InfluxDbSinkOptions.CREATE_DATABASE);
        verifyDatabase = c.get(InfluxDbSinkOptions.VERIFY_DATABASE);
        deadLetterMeasurement = c.get(InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT);
    }

    /** Reads and checks the options; throws IllegalArgumentException naming a bad setting. */
    public static InfluxDbWriterSettings fromConfiguration(ReadableConfig config) {
        InfluxDbWriterSettings s = new InfluxDbWriterSettings(config);
        s.check();
        return s;
    }

    /** Checks the options, as {@link #fromConfiguration} does. */
    public static void validate(ReadableConfig config) {
        fromConfiguration(config);
    }

    /** Copies the sink's options that are set in {@code from} into {@code to}. */
    public static void copyOptions(ReadableConfig from, Configuration to) {
        for (ConfigOption<?> option : ALL_OPTIONS) {
            copy(from, to, option);
        }
    }

    private static <V> void copy(ReadableConfig from, Configuration to, ConfigOption<V> option) {
        from.getOptional(option).ifPresent(v -> to.set(option, v));
    }

    private void check() {
        require(url != null, InfluxDbSinkOptions.URL, null, "is required");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // The exception's message repeats the input, user info and all.
            throw bad(
                    InfluxDbSinkOptions.URL,
                    displayUrl,
                    String.format("is not a URL: %s at index %d", e.getReason(), e.getIndex()));
        }
        String scheme = uri.getScheme();
        require(
                ("http".equals(scheme) || "https".equals(scheme)) && uri.getHost() != null,
                InfluxDbSinkOptions.URL,
                displayUrl,
                "must be an http:// or https:// URL with a host");
        require(
                database != null && !database.isBlank(),
                InfluxDbSinkOptions.DATABASE,
                database,
                "is required and must not be blank");
        require(
                retentionPolicy == null || !retentionPolicy.isBlank(),
                InfluxDbSinkOptions.RETENTION_POLICY,
                retentionPolicy,
                "must not be blank (leave it unset for the default policy)");
        require(
                passwordEnv == null || passwordFile == null,
                InfluxDbSinkOptions.PASSWORD_FILE,
                passwordFile,
                "cannot be combined with influxdb.password-env");
        require(
                tokenEnv == null || tokenFile == null,
                InfluxDbSinkOptions.TOKEN_FILE,
                tokenFile,
                "cannot be combined with influxdb.token-env");
        boolean hasPassword = passwordEnv != null || passwordFile != null;
        boolean hasToken = tokenEnv != null || tokenFile != null;
        require(
                username == null || hasPassword,
                InfluxDbSinkOptions.USERNAME,
                username,
                "needs influxdb.password-env or influxdb.password-file");
        require(
                !hasPassword || username != null,
                InfluxDbSinkOptions.USERNAME,
                null,
                "is required when a password is configured");
        require(
                !(hasToken && username != null),
                InfluxDbSinkOptions.USERNAME,
                username,
                "cannot be combined with a token (influxdb.token-env/-file)");
        require(
                caFile == null || "https".equals(scheme),
                InfluxDbSinkOptions.TLS_CA_FILE,
                caFile,
                "only applies to an https:// influxdb.url");
        requirePositive(InfluxDbSinkOptions.CONNECT_TIMEOUT, connectTimeout);
        requirePositive(InfluxDbSinkOptions.REQUEST_TIMEOUT, requestTimeout);
        require(
                batchMaxPoints >= 1,
                InfluxDbSinkOptions.BATCH_MAX_POINTS,
                batchMaxPoints,
                "must be at least 1");
        require(
                batchMaxBytes >= 1024,
                InfluxDbSinkOptions.BATCH_MAX_BYTES,
                batchMaxBytes + " bytes",
                "must be at least 1 kb");
        require(
                !flushInterval.isNegative(),
                InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL,
                flushInterval,
                "must not be negative");
        require(
                maxInFlightBatches >= 1,
                InfluxDbSinkOptions.MAX_IN_FLIGHT_BATCHES,
                maxInFlightBatches,
                "must be at least 1");
        require(
                retryPolicy.maxAttempts >= 1,
                InfluxDbSinkOptions.RETRY_MAX_ATTEMPTS,
                retryPolicy.maxAttempts,
                "must be at least 1");
        requirePositive(InfluxDbSinkOptions.RETRY_MAX_DURATION, retryPolicy.maxDuration);
        requirePositive(InfluxDbSinkOptions.RETRY_INITIAL_BACKOFF, retryPolicy.initialBackoff);
        require(
                retryPolicy.maxBackoff.compareTo(retryPolicy.initialBackoff) >= 0,
                InfluxDbSinkOptions.RETRY_MAX_BACKOFF,
                retryPolicy.maxBackoff,
                "must not be shorter than influxdb.retry.initial-backoff");
        if (!deadLetterMeasurement.isEmpty()) {
            try {
                LineProtocol.escapeMeasurement(deadLetterMeasurement);
            } catch (UnrepresentablePointException e) {
                throw bad(
                        InfluxDbSinkOptions.DEAD_LETTER_MEASUREMENT,
                        deadLetterMeasurement,
                        "is not a valid measurement: " + e.getMessage());
            }
        }
        require(
                !(createDatabase && !verifyDatabase),
                InfluxDbSinkOptions.VERIFY_DATABASE,
                false,
                "cannot be false when influxdb.create-database is true");
    }

    private static void requirePositive(ConfigOption<Duration> option, Duration value) {
        require(!value.isNegative() && !value.isZero(), option, value, "must be longer than zero");
    }

    private static void require(boolean ok, ConfigOption<?> option, Object value, String rule) {
        if (!ok) {
            throw bad(option, value, rule);
        }
    }

    private static IllegalArgumentException bad(ConfigOption<?> option, Object value, String rule) {
        return new IllegalArgumentException(
                value == null
                        ? String.format("InfluxDB sink option '%s' %s", option.key(), rule)
                        : String.format(
                                "InfluxDB sink option '%s' %s, got '%s'",
                                option.key(), rule, value));
    }

    /** The URL with its user info replaced by {@code ***}, as the MQTT connector shows it. */
    static String withoutUserInfo(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceFirst("$1***@");
    }

    private static String stripTrailingSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * The handler rejected points go to: the one given, else the default when {@code
     * influxdb.dead-letter-measurement} is set, else none (they fail the job).
     */
    public InfluxDbRejectedPointHandler rejectedPointHandler(InfluxDbRejectedPointHandler given) {
        if (given != null) {
            return given;
        }
        return deadLetterMeasurement.isEmpty() ? null : InfluxDbRejectedPointHandler.logAndDrop();
    }

    /** Where the sink writes to, for messages: URL and database. */
    public String target() {
        return String.format("%s (database '%s')", displayUrl, database);
    }

    /** The password or token named by the options, read now (on the TaskManager). */
    String secret() {
        if (passwordEnv != null) {
            return fromEnv(passwordEnv, InfluxDbSinkOptions.PASSWORD_ENV);
        }
        if (passwordFile != null) {
            return fromFile(passwordFile, InfluxDbSinkOptions.PASSWORD_FILE);
        }
        if (tokenEnv != null) {
            return fromEnv(tokenEnv, InfluxDbSinkOptions.TOKEN_ENV);
        }
        if (tokenFile != null) {
            return fromFile(tokenFile, InfluxDbSinkOptions.TOKEN_FILE);
        }
        return null;
    }

    boolean usesToken() {
        return tokenEnv != null || tokenFile != null;
    }

    private static String fromEnv(String variable, ConfigOption<String> option) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new FlinkRuntimeException(
                    String.format(
                            "Environment variable '%s' named by '%s' is not set",
                            variable, option.key()));
        }
        return value;
    }

    private static String fromFile(String file, ConfigOption<String> option) {
        try {
            String value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw new FlinkRuntimeException(
                        String.format("File '%s' named by '%s' is empty", file, option.key()));
            }
            return value;
        } catch (IOException e) {
            throw new FlinkRuntimeException(
                    String.format("Cannot read file '%s' named by '%s'", file, option.key()), e);
        }
    }
}
