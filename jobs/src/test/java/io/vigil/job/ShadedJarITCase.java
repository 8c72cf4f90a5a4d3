package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
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
                        "org/influxdb/InfluxDB.class");
    }

    @Test
    void carriesNoDemoSimulatorOrBroker() {
        assertThat(entries)
                .noneMatch(e -> e.startsWith("io/vigil/tools/"))
                .noneMatch(e -> e.startsWith("io/moquette/"))
                .noneMatch(e -> e.startsWith("com/hivemq/embedded/"))
                .noneMatch(e -> e.startsWith("io/vigil/testing/"));
    }

    @Test
    void leavesFlinkAndLoggingToTheCluster() {
        assertThat(entries)
                .noneMatch(e -> e.startsWith("org/apache/flink/runtime/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/streaming/api/environment/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/api/common/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/configuration/"))
                .noneMatch(e -> e.startsWith("org/apache/logging/"))
                .noneMatch(e -> e.startsWith("org/slf4j/"));
    }

    @Test
    void relocatesLibrariesThatCommonlyClash() {
        assertThat(entries)
                .noneMatch(e -> e.startsWith("com/fasterxml/jackson/"))
                .noneMatch(e -> e.startsWith("okhttp3/"))
                .anyMatch(e -> e.startsWith("io/vigil/shaded/com/fasterxml/jackson/databind/"));
    }

    private static Path findJar() {
        Path jar = Path.of(System.getProperty("vigil.job.jar"));
        assertThat(jar).as("the job jar for flink run").isRegularFile();
        return jar;
    }
}
