package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jar for {@code flink run}, as packaged: what it must hold and what the cluster provides. */
class ShadedJarITCase {

    private static List<String> entries;
    private static String mainClass;

    @BeforeAll
    static void openJar() throws IOException {
        Path jar = findJar();
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
            mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    @Test
    void runsTheSensorAnalyticsJob() {
        assertThat(mainClass).isEqualTo("io.vigil.job.SensorAnalyticsJob");
        assertThat(entries).contains("io/vigil/job/SensorAnalyticsJob.class");
    }

    @Test
    void bundlesCepTheConnectorsAndTheirClients() {
        assertThat(entries)
                .contains(
                        "org/apache/flink/cep/CEP.class",
                        "io/vigil/pipeline/SensorAnalytics.class",
                        "io/vigil/connectors/mqtt/source/MqttSource.class",
                        "io/vigil/connectors/influxdb/sink/InfluxDbSink.class",
                        "com/hivemq/client/mqtt/MqttClient.class",
                        "org/influxdb/InfluxDB.class",
                        "io/vigil/job/KafkaInput.class",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/apache/kafka/clients/consumer/KafkaConsumer.class");
    }

    @Test
    void carriesNoDemoSimulatorOrBroker() {
        assertThat(
                        entriesUnder(
                                "io/vigil/tools/",
                                "io/moquette/",
                                "com/hivemq/embedded/",
                                "io/vigil/testing/",
                                "kafka/server/",
                                "kafka/Kafka.class",
                                "scala/"))
                .isEmpty();
    }

    @Test
    void leavesFlinkAndLoggingToTheCluster() {
        assertThat(
                        entriesUnder(
                                "org/apache/flink/runtime/",
                                "org/apache/flink/streaming/api/environment/",
                                "org/apache/flink/api/common/",
                                "org/apache/flink/configuration/",
                                "org/apache/logging/",
                                "org/slf4j/",
                                "org/apache/commons/lang3/"))
                .isEmpty();
    }

    @Test
    void relocatesLibrariesThatCommonlyClash() {
        assertThat(entriesUnder("com/fasterxml/jackson/", "okhttp3/")).isEmpty();
        assertThat(entriesUnder("io/vigil/shaded/com/fasterxml/jackson/databind/")).isNotEmpty();
    }

    /** The jar's entries under any of {@code prefixes}, so that a failure lists them. */
    private static List<String> entriesUnder(String... prefixes) {
        return entries.stream()
                .filter(e -> Arrays.stream(prefixes).anyMatch(e::startsWith))
                .toList();
    }

    private static Path findJar() {
        Path jar = Path.of(System.getProperty("vigil.job.jar"));
        assertThat(jar).as("the job jar for flink run").isRegularFile();
        return jar;
    }
}
