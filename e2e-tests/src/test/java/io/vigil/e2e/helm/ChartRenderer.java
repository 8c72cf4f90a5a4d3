package io.vigil.e2e.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Lints and renders the chart in helm/vigil in-process with helm-java, and parses the result. */
final class ChartRenderer {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The chart, found from the module directory that surefire runs in. */
    static final Path CHART = Path.of("..", "helm", "vigil").toAbsolutePath().normalize();

    static final String RELEASE = "fleet";
    static final String NAMESPACE = "sensors";

    private ChartRenderer() {}

    /** A scenario's values file from the chart's ci/ folder, e.g. {@code mosquitto}. */
    static Path ciValues(String scenario) {
        return CHART.resolve("ci").resolve(scenario + "-values.yaml");
    }

    /** Renders {@code chart} with the values files (in order) and then the {@code --set} values. */
    static List<JsonNode> render(Path chart, List<Path> valuesFiles, Map<String, String> sets) {
        TemplateCommand template =
                new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
        valuesFiles.forEach(template::withValuesFile);
        sets.forEach(template::set);
        return parse(template.call());
    }

    static List<JsonNode> render(List<Path> valuesFiles, Map<String, String> sets) {
        return render(CHART, valuesFiles, sets);
    }

    static List<JsonNode> render(Map<String, String> sets) {
        return render(CHART, List.of(), sets);
    }

    /** Every non-empty YAML document of a multi-document stream. */
    static List<JsonNode> parse(String manifests) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Rendered manifests are not valid YAML", e);
        }
        return documents;
    }

    /**
     * Lints the chart as {@code helm lint -f FILE} would: helm-java's lint takes no values, so the
     * values file is merged into a copy of the chart's values.yaml.
     */
    static LintResult lint(Path valuesFile, Path workDir) {
        if (valuesFile == null) {
            return new Helm(CHART).lint().strict().call();
        }
        Path copy = copyChart(workDir);
        try {
            JsonNode defaults = YAML.readTree(CHART.resolve("values.yaml").toFile());
            JsonNode overrides = YAML.readTree(valuesFile.toFile());
            YAML.writeValue(
                    copy.resolve("values.yaml").toFile(), merge((ObjectNode) defaults, overrides));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    /** A copy of the chart under {@code workDir}, to change files without touching the original. */
    static Path copyChart(Path workDir) {
        Path target = workDir.resolve("vigil");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static JsonNode merge(ObjectNode base, JsonNode overrides) {
        for (Map.Entry<String, JsonNode> field : overrides.properties()) {
            JsonNode current = base.get(field.getKey());
            if (current instanceof ObjectNode && field.getValue().isObject()) {
                merge((ObjectNode) current, field.getValue());
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
        return base;
    }

    /** The one document of this kind, failing if there is not exactly one. */
    static JsonNode single(List<JsonNode> documents, String kind) {
        List<JsonNode> found = ofKind(documents, kind);
        if (found.size() != 1) {
            throw new AssertionError(
                    String.format("Expected one %s, found %d", kind, found.size()));
        }
        return found.get(0);
    }

    static List<JsonNode> ofKind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static JsonNode named(List<JsonNode> documents, String kind, String name) {
        return ofKind(documents, kind).stream()
                .filter(d -> name.equals(d.path("metadata").path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No " + kind + " named " + name));
    }

    /** The environment variables of the Flink main container, by name. */
    static Map<String, JsonNode> flinkEnv(List<JsonNode> documents) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        flinkContainer(documents).path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    static JsonNode flinkContainer(List<JsonNode> documents) {
        JsonNode containers =
                single(documents, "FlinkDeployment")
                        .path("spec")
                        .path("podTemplate")
                        .path("spec")
                        .path("containers");
        for (JsonNode container : containers) {
            if ("flink-main-container".equals(container.path("name").asText())) {
                return container;
            }
        }
        throw new AssertionError("No flink-main-container in the FlinkDeployment's podTemplate");
    }

    /** The job config file from its ConfigMap, parsed. */
    static JsonNode jobConfig(List<JsonNode> documents) {
        String text =
                named(documents, "ConfigMap", RELEASE + "-vigil-config")
                        .path("data")
                        .path("vigil.yaml")
                        .asText();
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("The job config is not valid YAML:\n" + text, e);
        }
    }
}
