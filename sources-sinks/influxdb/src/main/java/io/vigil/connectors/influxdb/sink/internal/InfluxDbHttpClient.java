package io.vigil.connectors.influxdb.sink.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.apache.flink.annotation.Internal;
import org.apache.flink.util.FlinkRuntimeException;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;

/**
 * The InfluxDB client of the sink: line protocol is posted to {@code /write} on OkHttp, the
 * transport of {@code influxdb-java}, so that the status, the error body and Retry-After are seen
 * as they are; the database is checked and created with {@code influxdb-java}'s query API.
 */
@Internal
public final class InfluxDbHttpClient implements InfluxDbWriteClient {

    private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

    private final InfluxDbWriterSettings settings;
    private final OkHttpClient http;
    private final String authorization;

    public InfluxDbHttpClient(InfluxDbWriterSettings settings) {
        this.settings = settings;
        String secret = settings.secret();
        if (secret == null) {
            this.authorization = null;
        } else if (settings.usesToken()) {
            this.authorization = "Token " + secret;
        } else {
            String pair = settings.username + ":" + secret;
            this.authorization =
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        this.http = newHttpClientBuilder().build();
    }

    private OkHttpClient.Builder newHttpClientBuilder() {
        OkHttpClient.Builder builder =
                new OkHttpClient.Builder()
                        .connectTimeout(settings.connectTimeout)
                        .readTimeout(settings.requestTimeout)
                        .writeTimeout(settings.requestTimeout)
                        // The writer retries itself, with backoff and bounds.
                        .retryOnConnectionFailure(false);
        if (authorization != null) {
            builder.addInterceptor(
                    chain ->
                            chain.proceed(
                                    chain.request()
                                            .newBuilder()
                                            .header("Authorization", authorization)
                                            .build()));
        }
        if (settings.caFile != null) {
            X509TrustManager trustManager = trustManagerFor(Path.of(settings.caFile));
            try {
                SSLContext ssl = SSLContext.getInstance("TLS");
                ssl.init(null, new TrustManager[] {trustManager}, null);
                builder.sslSocketFactory(ssl.getSocketFactory(), trustManager);
            } catch (GeneralSecurityException e) {
                throw new FlinkRuntimeException("Cannot set up TLS for " + settings.displayUrl, e);
            }
        }
        return builder;
    }

    private static X509TrustManager trustManagerFor(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new FlinkRuntimeException(
                        String.format("No certificate in CA file '%s'", caFile));
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (IOException | GeneralSecurityException e) {
            throw new FlinkRuntimeException(
                    String.format("Cannot read CA certificates from '%s'", caFile), e);
        }
    }

    /**
     * Checks that the database exists, creating it when so configured; fails with a message that
     * says what to do.
     */
    public void prepareDatabase() {
        if (!settings.verifyDatabase) {
            return;
        }
        String action = settings.createDatabase ? "create" : "check";
        InfluxDB influx = InfluxDBFactory.connect(settings.url, newHttpClientBuilder());
        try {
            if (settings.createDatabase) {
                check(
                        influx.query(new Query("CREATE DATABASE " + quoteIdentifier())),
                        "create database");
                return;
            }
            QueryResult result = check(influx.query(new Query("SHOW DATABASES")), "list databases");
            if (!listsDatabase(result)) {
                throw new FlinkRuntimeException(
                        String.format(
                                "Database '%s' does not exist on %s: create it, or set"
                                        + " influxdb.create-database: true",
                                settings.database, settings.displayUrl));
            }
        } catch (FlinkRuntimeException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isCertificateProblem(e)) {
                throw new FlinkRuntimeException(tlsFailure(e), e);
            }
            String hint;
            if (e instanceof InfluxDBException.AuthorizationFailedException) {
                hint = "check influxdb.username and the password or token";
            } else if (settings.createDatabase) {
                hint =
                        "creating a database needs an admin user: create it beforehand and set"
                                + " influxdb.create-database: false";
            } else {
                hint = "set influxdb.verify-database: false where SHOW DATABASES is not served";
            }
            throw new FlinkRuntimeException(
                    String.format(
                            "Cannot %s database '%s' on %s: %s (%s)",
                            action, settings.database, settings.displayUrl, e.getMessage(), hint),
                    e);
        } finally {
            influx.close();
        }
    }

    /** Whether a failure comes from a server certificate that is not trusted or not valid. */
    static boolean isCertificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    /** The message for a failed TLS handshake, saying what to check. */
    String tlsFailure(Throwable e) {
        return String.format(
                "TLS handshake with %s failed: %s (is the server's certificate trusted and issued"
                        + " for this host? see influxdb.tls.ca-file)",
                settings.displayUrl, e.getMessage());
    }

    private QueryResult check(QueryResult result, String what) {
        String error = result.getError();
        if (error == null && result.getResults() != null) {
            for (QueryResult.Result r : result.getResults()) {
                if (r.hasError()) {
                    error = r.getError();
                }
            }
        }
        if (error != null) {
            throw new FlinkRuntimeException(
                    String.format(
                            "Cannot %s '%s' on %s: %s",
                            what, settings.database, settings.displayUrl, error));
        }
        return result;
    }

    private boolean listsDatabase(QueryResult result) {
        for (QueryResult.Result r : result.getResults()) {
            if (r.getSeries() == null) {
                continue;
            }
            for (QueryResult.Series series : r.getSeries()) {
                for (List<Object> row : series.getValues()) {
                    if (!row.isEmpty() && settings.database.equals(row.get(0))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private String quoteIdentifier() {
        return '"' + settings.database.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public WriteResponse write(String lines) throws IOException {
        HttpUrl.Builder url =
                HttpUrl.get(settings.url + "/write")
                        .newBuilder()
                        .addQueryParameter("db", settings.database)
                        .addQueryParameter("precision", "ns");
        if (settings.retentionPolicy != null) {
            url.addQueryParameter("rp", settings.retentionPolicy);
        }
        byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
        Request.Builder request = new Request.Builder().url(url.build());
        if (settings.gzip) {
            request.header("Content-Encoding", "gzip").post(RequestBody.create(gzip(bytes), TEXT));
        } else {
            request.post(RequestBody.create(bytes, TEXT));
        }
        try (Response response = http.newCall(request.build()).execute()) {
            ResponseBody body = response.body();
            return new WriteResponse(
                    response.code(),
                    body == null ? "" : body.string(),
                    parseRetryAfter(response.header("Retry-After")));
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    /** Retry-After is either delay seconds or an HTTP date; anything else is ignored. */
    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    @Override
    public String target() {
        return settings.target();
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
