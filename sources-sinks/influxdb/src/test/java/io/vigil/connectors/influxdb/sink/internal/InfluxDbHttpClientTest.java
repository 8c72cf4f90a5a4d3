package io.vigil.connectors.influxdb.sink.internal;

import static org.apache.flink.util.ExceptionUtils.stringifyException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import io.vigil.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets, CA files and the database check fail with messages that say what to fix. */
class InfluxDbHttpClientTest {

    @TempDir Path dir;

    private static Configuration options(String url) {
        Configuration c = new Configuration();
        c.set(InfluxDbSinkOptions.URL, url);
        c.set(InfluxDbSinkOptions.DATABASE, "test");
        return c;
    }

    private static InfluxDbHttpClient client(Configuration c) {
        return new InfluxDbHttpClient(InfluxDbWriterSettings.fromConfiguration(c));
    }

    @Test
    void failsWhenTheTokenVariableIsNotSet() {
        Configuration c = options("http://127.0.0.1:1");
        c.set(InfluxDbSinkOptions.TOKEN_ENV, "VIGIL_TEST_NO_SUCH_VARIABLE");
        assertThatThrownBy(() -> client(c))
                .hasMessage(
                        "Environment variable 'VIGIL_TEST_NO_SUCH_VARIABLE' named by"
                                + " 'influxdb.token-env' is not set");
    }

    @Test
    void failsWhenThePasswordFileIsMissingOrEmpty() throws Exception {
        Configuration c = options("http://127.0.0.1:1");
        c.set(InfluxDbSinkOptions.USERNAME, "u");
        c.set(InfluxDbSinkOptions.PASSWORD_FILE, dir.resolve("absent").toString());
        assertThatThrownBy(() -> client(c))
                .hasMessageContaining("Cannot read file")
                .hasMessageContaining("named by 'influxdb.password-file'");

        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        c.set(InfluxDbSinkOptions.PASSWORD_FILE, empty.toString());
        assertThatThrownBy(() -> client(c))
                .hasMessage("File '%s' named by 'influxdb.password-file' is empty", empty);
    }

    @Test
    void failsWhenTheCaFileHoldsNoCertificate() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        Configuration c = options("https://127.0.0.1:1");
        c.set(InfluxDbSinkOptions.TLS_CA_FILE, notPem.toString());
        assertThatThrownBy(() -> client(c))
                .hasMessage("Cannot read CA certificates from '%s'", notPem);

        Path emptyPem = Files.writeString(dir.resolve("empty.pem"), "");
        c.set(InfluxDbSinkOptions.TLS_CA_FILE, emptyPem.toString());
        assertThatThrownBy(() -> client(c)).hasMessageContaining(emptyPem.toString());
    }

    @Test
    void failsTheDatabaseCheckClearlyWhenNothingListens() throws Exception {
        int port = FreePorts.next();
        InfluxDbHttpClient client = client(options("http://127.0.0.1:" + port));
        try {
            assertThatThrownBy(client::prepareDatabase)
                    .hasMessageStartingWith(
                            "Cannot check database 'test' on http://127.0.0.1:" + port + ": ")
                    .hasMessageContaining("influxdb.verify-database: false");
        } finally {
            client.close();
        }
    }

    @Test
    void masksTheUserInfoOfTheUrlInEveryMessage() throws Exception {
        int port = FreePorts.next();
        InfluxDbHttpClient client = client(options("http://writer:s3cret@127.0.0.1:" + port));
        try {
            assertThat(client.target())
                    .isEqualTo("http://***@127.0.0.1:" + port + " (database 'test')");
            assertThatThrownBy(client::prepareDatabase)
                    .hasMessageStartingWith(
                            "Cannot check database 'test' on http://***@127.0.0.1:" + port + ": ")
                    .satisfies(e -> assertThat(stringifyException(e)).doesNotContain("s3cret"));
            assertThatThrownBy(() -> client.write("m x=1i 1"))
                    .satisfies(e -> assertThat(stringifyException(e)).doesNotContain("s3cret"));
        } finally {
            client.close();
        }
        assertThatThrownBy(() -> client(options("ftp://writer:s3cret@host/")))
                .hasMessageContaining("ftp://***@host")
                .satisfies(e -> assertThat(stringifyException(e)).doesNotContain("s3cret"));
        assertThatThrownBy(() -> client(options("http://writer:s3cret@host/a b")))
                .hasMessageContaining("influxdb.url")
                .satisfies(e -> assertThat(stringifyException(e)).doesNotContain("s3cret"));
    }
}
