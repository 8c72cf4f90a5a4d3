package io.vigil.connectors.mqtt.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.testing.CollectingSink;
import io.vigil.testing.MiniClusters;
import io.vigil.testing.MosquittoExtension;
import io.vigil.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Password login, TLS with a CA made for the test, and mutual TLS, each right and wrong. */
class MqttSourceSecurityITCase {

    private static final String USER = "vigil";
    private static final String PASSWORD = "correct horse";

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 1);

    @RegisterExtension
    static final MosquittoExtension BROKER =
            MosquittoExtension.builder().withPasswordListener(USER, PASSWORD).withTls().build();

    @TempDir static Path secrets;

    private static Path passwordFile(String password) throws Exception {
        Path file = secrets.resolve(UUID.randomUUID().toString());
        Files.writeString(file, password + "\n");
        return file;
    }

    private static MqttSourceBuilder<MqttMessage> source(String uri, String topic, String id) {
        return MqttSource.<MqttMessage>builder()
                .setBrokerUris(uri)
                .setTopicFilters(topic)
                .setClientIdPrefix("sec-" + id)
                .set(MqttSourceOptions.CONNECT_TIMEOUT, Duration.ofSeconds(5))
                .setDeserializer(MqttDeserializationSchema.raw());
    }

    /** Runs the job until one probe message arrives through the source. */
    private static void assertReceives(
            String uri, UnaryOperator<MqttSourceBuilder<MqttMessage>> settings) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it/sec/" + id;
        String key = "sec-" + id;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSource(
                        settings.apply(source(uri, topic, id)).build(),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt")
                .map(new MqttTestJobs.TaggingMapper())
                .sinkTo(new CollectingSink<>(key));
        JobClient job = env.executeAsync("security");
        try {
            MqttTestJobs.probeUntilSubscribed(BROKER.publisher(), topic, key, 1);
        } finally {
            job.cancel().get();
        }
        assertThat(MqttTestJobs.subtasksWithRecords(key, "probe")).containsExactly(0);
    }

    /** Runs the job without restarts and returns the failure's full text. */
    private static String failure(
            String uri, UnaryOperator<MqttSourceBuilder<MqttMessage>> settings) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSource(
                        settings.apply(source(uri, "it/sec/" + id, id)).build(),
                        WatermarkStrategy.noWatermarks(),
                        "mqtt")
                .sinkTo(new CollectingSink<>("sec-fail-" + id));
        Throwable[] error = new Throwable[1];
        assertThatThrownBy(() -> env.execute("security failure")).satisfies(e -> error[0] = e);
        return ExceptionUtils.stringifyException(error[0]);
    }

    @Test
    void logsInWithTheRightPasswordFromAFile() throws Exception {
        Path file = passwordFile(PASSWORD);
        assertReceives(
                BROKER.passwordUri(), b -> b.setUsername(USER).setPasswordFile(file.toString()));
    }

    @Test
    void failsTheJobNamingTheBrokerWhenThePasswordIsWrong() throws Exception {
        Path file = passwordFile("wrong");

        String failure =
                failure(
                        BROKER.passwordUri(),
                        b -> b.setUsername(USER).setPasswordFile(file.toString()));

        assertThat(failure)
                .contains("Cannot connect to MQTT broker " + BROKER.passwordUri())
                .containsAnyOf("NOT_AUTHORIZED", "BAD_USER_NAME_OR_PASSWORD")
                .doesNotContain("wrong\n");
    }

    @Test
    void failsTheJobWithoutCredentialsOnThePasswordListener() {
        String failure = failure(BROKER.passwordUri(), b -> b);

        assertThat(failure)
                .contains("Cannot connect to MQTT broker " + BROKER.passwordUri())
                .containsAnyOf("NOT_AUTHORIZED", "BAD_USER_NAME_OR_PASSWORD");
    }

    @Test
    void readsOverTlsWhenTheCaIsTrusted() throws Exception {
        String ca = BROKER.certificates().caCert().toString();
        assertReceives(BROKER.tlsUri(), b -> b.setTlsCaFile(ca));
    }

    @Test
    void failsTheJobWhenTheServerCertificateIsNotTrusted() {
        String otherCa = BROKER.certificates().otherCaCert().toString();

        String failure = failure(BROKER.tlsUri(), b -> b.setTlsCaFile(otherCa));

        assertThat(failure)
                .contains("Cannot connect to MQTT broker " + BROKER.tlsUri())
                .contains("SSLHandshakeException")
                .containsIgnoringCase("certification path");
    }

    @Test
    void readsOverTlsWithAPkcs12Truststore() throws Exception {
        String truststore = BROKER.certificates().truststore().toString();
        assertReceives(
                BROKER.tlsUri(),
                b ->
                        b.setTlsTruststore(
                                truststore, "PKCS12", TestCertificates.TRUSTSTORE_PASSWORD));
    }

    @Test
    void failsTheJobWhenTheCertificateNamesAnotherHost() {
        String ca = BROKER.certificates().caCert().toString();

        String failure = failure(BROKER.wrongHostTlsUri(), b -> b.setTlsCaFile(ca));

        assertThat(failure)
                .contains("Cannot connect to MQTT broker " + BROKER.wrongHostTlsUri())
                .contains("127.0.0.1")
                .containsIgnoringCase("subject alternative name");
    }

    @Test
    void acceptsACertificateForAnotherHostWhenHostnameVerificationIsOff() throws Exception {
        String ca = BROKER.certificates().caCert().toString();
        assertReceives(
                BROKER.wrongHostTlsUri(),
                b -> b.setTlsCaFile(ca).setTlsHostnameVerification(false));
    }

    @Test
    void readsOverMutualTlsWithAClientCertificate() throws Exception {
        TestCertificatesView certs = new TestCertificatesView();
        assertReceives(
                BROKER.mutualTlsUri(),
                b -> b.setTlsCaFile(certs.ca).setTlsClientCertificate(certs.cert, certs.key));
    }

    @Test
    void failsTheJobWhenMutualTlsGetsNoClientCertificate() {
        String ca = BROKER.certificates().caCert().toString();

        String failure = failure(BROKER.mutualTlsUri(), b -> b.setTlsCaFile(ca));

        assertThat(failure)
                .contains("Cannot connect to MQTT broker " + BROKER.mutualTlsUri())
                .contains("certificate_required");
    }

    /** The test PKI's file names as strings. */
    private static final class TestCertificatesView {
        final String ca = BROKER.certificates().caCert().toString();
        final String cert = BROKER.certificates().clientCert().toString();
        final String key = BROKER.certificates().clientKey().toString();
    }
}
