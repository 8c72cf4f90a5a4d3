package io.vigil.connectors.influxdb.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Logins and HTTPS against an InfluxDB with authentication on and a certificate from a test CA. */
class InfluxDbSinkSecurityITCase {

    @RegisterExtension
    static final InfluxDbExtension INFLUXDB =
            new InfluxDbExtension().withAuth("admin", "admin-secret").withHttps();

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 1);

    @TempDir static Path dir;
    static Path rightPassword;
    static Path wrongPassword;

    @BeforeAll
    static void createWriter() throws Exception {
        INFLUXDB.createDatabase("secure");
        INFLUXDB.execute("CREATE USER writer WITH PASSWORD 'w-secret'");
        INFLUXDB.execute("GRANT ALL ON secure TO writer");
        rightPassword = Files.writeString(dir.resolve("right"), "w-secret\n");
        wrongPassword = Files.writeString(dir.resolve("wrong"), "guess\n");
    }

    private static InfluxDbSinkBuilder<Long> sink(Path passwordFile, Path caFile) {
        return InfluxDbSink.<Long>builder()
                .setUrl(INFLUXDB.url())
                .setDatabase("secure")
                .set(InfluxDbSinkOptions.USERNAME, "writer")
                .set(InfluxDbSinkOptions.PASSWORD_FILE, passwordFile.toString())
                .set(InfluxDbSinkOptions.TLS_CA_FILE, caFile.toString())
                .setConverter(n -> InfluxDbPoint.builder("m").field("x", n).timestamp(n).build());
    }

    @Test
    void writesWithTheRightLoginOverHttpsTrustingTheTestCa() throws Exception {
        StreamExecutionEnvironment env = InfluxDbSinkITCase.noRestarts();
        env.fromData(1L, 2L, 3L).sinkTo(sink(rightPassword, INFLUXDB.caCertificate()).build());
        env.execute("right login");

        assertThat(INFLUXDB.query("secure", "SELECT x FROM m")).hasSize(3);
    }

    @Test
    void failsTheJobWithAClearMessageOnAWrongPassword() {
        StreamExecutionEnvironment env = InfluxDbSinkITCase.noRestarts();
        env.fromData(1L).sinkTo(sink(wrongPassword, INFLUXDB.caCertificate()).build());

        assertThatThrownBy(() -> env.execute("wrong login"))
                .hasStackTraceContaining(
                        "Cannot check database 'secure' on "
                                + INFLUXDB.url()
                                + ": authorization failed (check influxdb.username");
    }

    @Test
    void failsTheWriteWithAClearMessageOnAWrongPasswordWhenNotCheckingTheDatabase() {
        StreamExecutionEnvironment env = InfluxDbSinkITCase.noRestarts();
        env.fromData(1L)
                .sinkTo(
                        sink(wrongPassword, INFLUXDB.caCertificate())
                                .set(InfluxDbSinkOptions.VERIFY_DATABASE, false)
                                .build());

        assertThatThrownBy(() -> env.execute("wrong login on write"))
                .rootCause()
                .hasMessageContaining("refused 1 line(s) with HTTP 401: authorization failed")
                .hasMessageContaining("check influxdb.username");
    }

    @Test
    void failsClearlyWhenTheUserMayNotCreateTheDatabase() {
        StreamExecutionEnvironment env = InfluxDbSinkITCase.noRestarts();
        env.fromData(1L)
                .sinkTo(
                        sink(rightPassword, INFLUXDB.caCertificate())
                                .set(InfluxDbSinkOptions.CREATE_DATABASE, true)
                                .build());

        assertThatThrownBy(() -> env.execute("create without admin rights"))
                .hasStackTraceContaining("Cannot create database 'secure' on " + INFLUXDB.url())
                .hasStackTraceContaining("requires admin privilege")
                .hasStackTraceContaining("creating a database needs an admin user");
    }

    @Test
    void failsClearlyOnACertificateFromAnUntrustedCa() throws Exception {
        Path otherCa = TestCertificates.generate(dir.resolve("other")).otherCaCert();
        StreamExecutionEnvironment env = InfluxDbSinkITCase.noRestarts();
        env.fromData(1L).sinkTo(sink(rightPassword, otherCa).build());

        assertThatThrownBy(() -> env.execute("untrusted at start"))
                .hasStackTraceContaining("TLS handshake with " + INFLUXDB.url() + " failed")
                .hasStackTraceContaining("influxdb.tls.ca-file");

        StreamExecutionEnvironment env2 = InfluxDbSinkITCase.noRestarts();
        env2.fromData(1L)
                .sinkTo(
                        sink(rightPassword, otherCa)
                                .set(InfluxDbSinkOptions.VERIFY_DATABASE, false)
                                .build());
        assertThatThrownBy(() -> env2.execute("untrusted on write"))
                .hasStackTraceContaining("TLS handshake with " + INFLUXDB.url())
                .hasStackTraceContaining("influxdb.tls.ca-file");
    }
}
