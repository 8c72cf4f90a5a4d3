package io.vigil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.influxdb.impl.InfluxDBImpl;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real InfluxDB 1.x server ({@code /usr/bin/influxd}) on free loopback ports with its data
 * in a temporary directory, for the tests of a class; optionally with authentication and HTTPS.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final InfluxDbExtension INFLUXDB = new InfluxDbExtension().withAuth("admin", "secret");
 *
 * List<Map<String, Object>> rows = INFLUXDB.query("vigil", "SELECT * FROM alerts");
 * }</pre>
 *
 * <p>Register it on a static field. {@link #stop()} and {@link #start()} restart the server on the
 * same ports with the same data; the process is always killed after the class.
 */
public final class InfluxDbExtension implements BeforeAllCallback, AfterAllCallback {

    private static final String INFLUXD = "/usr/bin/influxd";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private String adminUser;
    private String adminPassword;
    private boolean https;

    private Path dir;
    private Path config;
    private int httpPort;
    private TestCertificates certificates;
    private Process process;
    private OkHttpClient http;

    /** Turns authentication on; the admin user is created at start. */
    public InfluxDbExtension withAuth(String user, String password) {
        this.adminUser = user;
        this.adminPassword = password;
        return this;
    }

    /**
     * Serves HTTPS with a certificate signed by a CA made for the test ({@link #caCertificate}).
     */
    public InfluxDbExtension withHttps() {
        this.https = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("vigil-influxdb-");
        httpPort = FreePorts.next();
        int rpcPort = FreePorts.next();
        if (https) {
            certificates = TestCertificates.generate(dir.resolve("tls"));
        }
        config = dir.resolve("influxdb.conf");
        Files.writeString(config, configText(rpcPort), StandardCharsets.UTF_8);
        http = httpClient();
        start();
        if (adminUser != null) {
            // With auth on and no user yet, InfluxDB 1.x accepts exactly this unauthenticated.
            execute(
                    String.format(
                            "CREATE USER \"%s\" WITH PASSWORD '%s' WITH ALL PRIVILEGES",
                            adminUser, adminPassword),
                    false);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String configText(int rpcPort) {
        StringBuilder c = new StringBuilder();
        c.append("reporting-disabled = true\n");
        c.append("bind-address = \"127.0.0.1:").append(rpcPort).append("\"\n");
        c.append("[meta]\n  dir = \"").append(dir.resolve("meta")).append("\"\n");
        c.append("  logging-enabled = false\n");
        c.append("[data]\n  dir = \"").append(dir.resolve("data")).append("\"\n");
        c.append("  wal-dir = \"").append(dir.resolve("wal")).append("\"\n");
        c.append("  query-log-enabled = false\n");
        c.append("  wal-fsync-delay = \"0s\"\n");
        c.append("[monitor]\n  store-enabled = false\n");
        c.append("[continuous_queries]\n  enabled = false\n");
        c.append("[logging]\n  level = \"warn\"\n");
        c.append("[http]\n  bind-address = \"127.0.0.1:").append(httpPort).append("\"\n");
        c.append("  log-enabled = false\n");
        c.append("  auth-enabled = ").append(adminUser != null).append('\n');
        c.append("  https-enabled = ").append(https).append('\n');
        if (https) {
            c.append("  https-certificate = \"").append(certificates.serverCert()).append("\"\n");
            c.append("  https-private-key = \"").append(certificates.serverKey()).append("\"\n");
        }
        return c.toString();
    }

    /** Starts the server (again), on the same ports with the same data, and waits until ready. */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("InfluxDB is already running on " + url());
        }
        process =
                new ProcessBuilder(INFLUXD, "-config", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        dir.resolve("influxd.log").toFile()))
                        .start();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "influxd exited with " + process.exitValue() + ":\n" + log());
            }
            if (ping()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("influxd did not answer /ping within 60 s:\n" + log());
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s); its data stays. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    private boolean ping() {
        okhttp3.Request request = new okhttp3.Request.Builder().url(url() + "/ping").build();
        try (okhttp3.Response response = http.newCall(request).execute()) {
            return response.code() == 204;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Base URL of the HTTP API, e.g. {@code http://127.0.0.1:43123}. */
    public String url() {
        return (https ? "https" : "http") + "://127.0.0.1:" + httpPort;
    }

    /** PEM file of the CA that signed the server's certificate (HTTPS only). */
    public Path caCertificate() {
        if (certificates == null) {
            throw new IllegalStateException("InfluxDB runs without HTTPS");
        }
        return certificates.caCert();
    }

    /** The server's log so far, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("influxd.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a database (as admin). */
    public void createDatabase(String database) {
        execute("CREATE DATABASE \"" + database + "\"");
    }

    /** Runs an InfluxQL statement as admin that returns no rows (CREATE, DROP, GRANT ...). */
    public void execute(String influxql) {
        execute(influxql, true);
    }

    private void execute(String influxql, boolean asAdmin) {
        InfluxDB influx = connect(asAdmin);
        try {
            QueryResult result = influx.query(new Query(influxql));
            String error = error(result);
            if (error != null) {
                throw new IllegalStateException(influxql + " failed: " + error);
            }
        } finally {
            influx.close();
        }
    }

    /**
     * Runs an InfluxQL query as admin and returns its rows in order, each as column to value (with
     * the series' tags of a GROUP BY); times are epoch milliseconds, integers are Longs.
     */
    public List<Map<String, Object>> query(String database, String influxql) {
        InfluxDB influx = connect(true);
        try {
            QueryResult result = influx.query(new Query(influxql, database), TimeUnit.MILLISECONDS);
            String error = error(result);
            if (error != null) {
                throw new IllegalStateException(influxql + " failed: " + error);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (QueryResult.Result r : result.getResults()) {
                if (r.getSeries() == null) {
                    continue;
                }
                for (QueryResult.Series series : r.getSeries()) {
                    for (List<Object> values : series.getValues()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        if (series.getTags() != null) {
                            row.putAll(series.getTags());
                        }
                        for (int i = 0; i < series.getColumns().size(); i++) {
                            row.put(series.getColumns().get(i), values.get(i));
                        }
                        rows.add(row);
                    }
                }
            }
            return rows;
        } finally {
            influx.close();
        }
    }

    /**
     * The {@code count} of a {@code SELECT count(...)} query's first row, for waiting on a job's
     * writes: 0 when no point matches, and also while the query fails (as it does until the job has
     * created the database).
     */
    public long count(String database, String influxql) {
        try {
            List<Map<String, Object>> rows = query(database, influxql);
            return rows.isEmpty() ? 0 : ((Number) rows.get(0).get("count")).longValue();
        } catch (IllegalStateException databaseNotThereYet) {
            return 0;
        }
    }

    private static String error(QueryResult result) {
        if (result.getError() != null) {
            return result.getError();
        }
        if (result.getResults() != null) {
            for (QueryResult.Result r : result.getResults()) {
                if (r.hasError()) {
                    return r.getError();
                }
            }
        }
        return null;
    }

    private InfluxDB connect(boolean asAdmin) {
        OkHttpClient.Builder builder = http.newBuilder();
        if (asAdmin && adminUser != null) {
            return InfluxDBFactory.connect(
                    url(), adminUser, adminPassword, builder, InfluxDB.ResponseFormat.MSGPACK);
        }
        // The factory insists on a user name; the client itself works without one.
        return new InfluxDBImpl(url(), null, null, builder, InfluxDB.ResponseFormat.MSGPACK);
    }

    private OkHttpClient httpClient() throws IOException, GeneralSecurityException {
        OkHttpClient.Builder builder =
                new OkHttpClient.Builder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .readTimeout(Duration.ofSeconds(60));
        if (https) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(certificates.caCert())) {
                int i = 0;
                for (Certificate c :
                        CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {trust}, null);
            builder.sslSocketFactory(ssl.getSocketFactory(), trust);
        }
        return builder.build();
    }
}
