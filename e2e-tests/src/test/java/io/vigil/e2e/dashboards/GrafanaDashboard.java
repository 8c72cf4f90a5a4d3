package io.vigil.e2e.dashboards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Grafana dashboard JSON model as read from a file: its panels (those nested in rows included),
 * template variables, annotations, and every InfluxQL query they hold.
 */
final class GrafanaDashboard {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final JsonNode root;

    private GrafanaDashboard(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    static GrafanaDashboard load(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses a dashboard.
     *
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    static GrafanaDashboard parse(String name, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    String.format("%s is not valid JSON: %s", name, e.getOriginalMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(name + " is not a JSON object");
        }
        return new GrafanaDashboard(name, root);
    }

    String name() {
        return name;
    }

    JsonNode root() {
        return root;
    }

    /** Every panel in layout order, with the panels of a (collapsed) row right after the row. */
    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            panels.add(panel);
            for (JsonNode nested : panel.path("panels")) {
                panels.add(nested);
            }
        }
        return panels;
    }

    List<JsonNode> variables() {
        return list(root.path("templating").path("list"));
    }

    List<JsonNode> annotations() {
        return list(root.path("annotations").path("list"));
    }

    /**
     * Every query in the dashboard, in the order Grafana needs them: variable queries first (in
     * their order, since later variables may use earlier ones), then panel targets, then
     * annotations. A query that is not a text (or missing) comes out as an empty text.
     */
    List<DashboardQuery> queries() {
        List<DashboardQuery> queries = new ArrayList<>();
        for (JsonNode variable : variables()) {
            if ("query".equals(variable.path("type").asText())) {
                queries.add(
                        new DashboardQuery(
                                name,
                                "variable " + variable.path("name").asText(),
                                variable.path("query").asText("")));
            }
        }
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(
                        new DashboardQuery(
                                name,
                                String.format(
                                        "panel %s '%s' target %s",
                                        panel.path("id").asText(),
                                        panel.path("title").asText(),
                                        target.path("refId").asText()),
                                target.path("query").asText("")));
            }
        }
        for (JsonNode annotation : annotations()) {
            queries.add(
                    new DashboardQuery(
                            name,
                            "annotation '" + annotation.path("name").asText() + "'",
                            annotation.path("query").asText("")));
        }
        return queries;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes;
    }

    /** One query of a dashboard: where it sits and its text, Grafana macros not yet replaced. */
    record DashboardQuery(String dashboard, String where, String text) {
        @Override
        public String toString() {
            return dashboard + " " + where;
        }
    }
}
