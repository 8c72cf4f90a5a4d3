package io.vigil.e2e.helm;

import static io.vigil.e2e.helm.ChartRenderer.ciValues;
import static io.vigil.e2e.helm.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every manifest the chart renders, for the defaults and with every optional part on, validated
 * against the Kubernetes API schemas by the npm package kubernetes-models (installed by this test
 * into target/, so a clean machine needs only node and npm). The FlinkDeployment is a custom
 * resource with no model there; HelmChartTest checks its fields.
 */
class HelmManifestSchemaITCase {

    private static final String KUBERNETES_MODELS = "kubernetes-models@5.1.0";
    private static final Path INSTALL_DIR =
            Path.of("target", "kubernetes-models").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path validator;

    @BeforeAll
    static void installKubernetesModels() throws IOException, InterruptedException {
        assumeTrue(
                run(List.of("npm", "--version"), Path.of(".")) != null,
                "npm is not installed: skipping the Kubernetes schema validation of the chart"
                        + " (install node and npm to run it)");
        Files.createDirectories(INSTALL_DIR);
        if (!Files.exists(INSTALL_DIR.resolve("node_modules/kubernetes-models/package.json"))) {
            List<String> install =
                    List.of(
                            "npm",
                            "install",
                            "--no-save",
                            "--no-package-lock",
                            "--no-audit",
                            "--no-fund",
                            "--loglevel=error",
                            "--prefix",
                            INSTALL_DIR.toString(),
                            KUBERNETES_MODELS);
            Result result = run(install, INSTALL_DIR);
            assertThat(result.exitCode)
                    .as("npm install %s into %s: %s", KUBERNETES_MODELS, INSTALL_DIR, result.output)
                    .isZero();
        }
        validator = INSTALL_DIR.resolve("validate-manifests.mjs");
        try (InputStream script =
                HelmManifestSchemaITCase.class.getResourceAsStream(
                        "/helm/validate-manifests.mjs")) {
            Files.copy(script, validator, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void everyRenderedManifestMatchesTheKubernetesSchema(@TempDir Path dir) throws Exception {
        List<JsonNode> manifests = new ArrayList<>();
        manifests.addAll(render(Map.of()));
        manifests.addAll(render(List.of(ciValues("all")), Map.of()));
        // The parts only rendered on request: test-only Secrets, the MQTT CA volume, no
        // persistence.
        manifests.addAll(
                render(
                        Map.ofEntries(
                                Map.entry("mosquitto.enabled", "true"),
                                Map.entry("mosquitto.persistence.enabled", "false"),
                                Map.entry("influxdb.enabled", "true"),
                                Map.entry("influxdb.persistence.enabled", "false"),
                                Map.entry("vigil.mqtt.username", "vigil"),
                                Map.entry("vigil.mqtt.createSecret", "true"),
                                Map.entry("vigil.mqtt.password", "test-only"),
                                Map.entry("vigil.influxdb.username", "vigil"),
                                Map.entry("vigil.influxdb.createSecret", "true"),
                                Map.entry("vigil.influxdb.password", "test-only"),
                                Map.entry("vigil.mqtt.tls.caSecret", "broker-ca"))));
        manifests.removeIf(m -> "FlinkDeployment".equals(m.path("kind").asText()));

        Result validation = validate(manifests, dir);

        assertThat(validation.exitCode).as(validation.output).isZero();
        assertThat(validation.output.lines().filter(l -> l.startsWith("ok ")))
                .hasSize(manifests.size());
        assertThat(validation.output)
                .contains("ok StatefulSet/fleet-vigil-mosquitto")
                .contains("ok StatefulSet/fleet-vigil-influxdb")
                .contains("ok Secret/fleet-vigil-mqtt")
                .contains("ok RoleBinding/fleet-vigil-flink");
    }

    @Test
    void validatorRejectsAManifestThatBreaksTheSchema(@TempDir Path dir) throws Exception {
        JsonNode broken =
                JSON.readTree(
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                                + "\"metadata\":{\"name\":\"broken\"},\"data\":{\"count\":3}}");

        Result validation = validate(List.of(broken), dir);

        assertThat(validation.exitCode).isEqualTo(1);
        assertThat(validation.output).contains("invalid ConfigMap/broken").contains("string");
    }

    /** A finished process: its exit code and its output (stdout and stderr). */
    private record Result(int exitCode, String output) {}

    private static Result validate(List<JsonNode> manifests, Path dir)
            throws IOException, InterruptedException {
        Path input = dir.resolve("manifests.json");
        JSON.writeValue(input.toFile(), manifests);
        Result result = run(List.of("node", validator.toString(), input.toString()), INSTALL_DIR);
        assertThat(result).as("node is on the PATH").isNotNull();
        return result;
    }

    /** Runs the command to its end; null when it cannot be started (not on the PATH). */
    private static Result run(List<String> command, Path dir) throws InterruptedException {
        Process process;
        try {
            process =
                    new ProcessBuilder(command)
                            .directory(dir.toFile())
                            .redirectErrorStream(true)
                            .start();
        } catch (IOException e) {
            return null;
        }
        String output;
        try (InputStream stdout = process.getInputStream()) {
            output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            output = "(output unreadable: " + e + ")";
        }
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
        return new Result(process.exitValue(), output);
    }
}
