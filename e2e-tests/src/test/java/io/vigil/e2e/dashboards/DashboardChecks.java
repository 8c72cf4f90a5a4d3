package io.vigil.e2e.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.e2e.dashboards.GrafanaDashboard.DashboardQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules every Vigil dashboard keeps, checked on its JSON: what Grafana needs to load it, and
 * what makes it portable (no hard-coded data source) and testable (every query raw InfluxQL).
 */
final class DashboardChecks {

    static final String DATASOURCE_VARIABLE = "datasource";
    static final String DATASOURCE_TYPE = "influxdb";
    static final String DATASOURCE_UID = "${" + DATASOURCE_VARIABLE + "}";
    static final String TAG = "vigil";

    private static final String ALERTS = "FROM \"alerts\" WHERE";

    /**
     * Each alert has a firing event, maybe reminders, and a resolved event: a query on {@code
     * alerts} that counts or lists them without choosing would count a resolved alert twice.
     */
    private static final Pattern ALERT_EVENTS =
            Pattern.compile(
                    "\"state\" = '(firing|resolved)'|last\\(\"firing\"\\).*GROUP BY"
                            + " \"alert_id\"");

    private DashboardChecks() {}

    /** Every rule the dashboard breaks, one line each naming the dashboard and the place. */
    static List<String> problems(GrafanaDashboard dashboard) {
        List<String> problems = new ArrayList<>();
        String name = dashboard.name();
        JsonNode root = dashboard.root();
        if (root.path("uid").asText("").isBlank()) {
            problems.add(name + ": no uid");
        }
        if (root.path("title").asText("").isBlank()) {
            problems.add(name + ": no title");
        }
        if (!root.path("schemaVersion").isInt()) {
            problems.add(name + ": no integer schemaVersion");
        }
        if (!contains(root.path("tags"), TAG)) {
            problems.add(name + ": not tagged '" + TAG + "'");
        }
        checkPanels(dashboard, problems);
        Map<String, JsonNode> variables = checkVariables(dashboard, problems);
        for (JsonNode annotation : dashboard.annotations()) {
            String where = name + " annotation '" + annotation.path("name").asText() + "'";
            checkDatasource(where, annotation.path("datasource"), problems);
        }
        for (DashboardQuery query : dashboard.queries()) {
            checkQuery(query, variables, problems);
        }
        return problems;
    }

    private static void checkPanels(GrafanaDashboard dashboard, List<String> problems) {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.panels()) {
            String where =
                    String.format(
                            "%s panel %s '%s'",
                            dashboard.name(),
                            panel.path("id").asText("?"),
                            panel.path("title").asText());
            if (!panel.path("id").isInt()) {
                problems.add(where + ": no integer id");
            } else if (!ids.add(panel.path("id").asInt())) {
                problems.add(where + ": id used by another panel");
            }
            if (!panel.path("gridPos").isObject()) {
                problems.add(where + ": no gridPos");
            }
            boolean row = "row".equals(panel.path("type").asText());
            if (row) {
                if (!panel.path("targets").isMissingNode() && !panel.path("targets").isEmpty()) {
                    problems.add(where + ": a row has targets");
                }
                if (!panel.path("datasource").isMissingNode()
                        && !panel.path("datasource").isNull()) {
                    checkDatasource(where, panel.path("datasource"), problems);
                }
                continue;
            }
            checkDatasource(where, panel.path("datasource"), problems);
            if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
                problems.add(where + ": no targets");
                continue;
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                String refId = target.path("refId").asText("");
                String targetWhere = where + " target " + refId;
                if (refId.isBlank() || !refIds.add(refId)) {
                    problems.add(targetWhere + ": refId missing or used twice");
                }
                checkDatasource(targetWhere, target.path("datasource"), problems);
                if (!target.path("rawQuery").asBoolean(false)) {
                    problems.add(targetWhere + ": not a raw InfluxQL query (rawQuery: true)");
                }
                if (!target.path("query").isTextual() || target.path("query").asText().isBlank()) {
                    problems.add(targetWhere + ": no query text");
                }
            }
        }
    }

    private static Map<String, JsonNode> checkVariables(
            GrafanaDashboard dashboard, List<String> problems) {
        Map<String, JsonNode> variables = new HashMap<>();
        for (JsonNode variable : dashboard.variables()) {
            String variableName = variable.path("name").asText("");
            String where = dashboard.name() + " variable " + variableName;
            if (variableName.isBlank() || variables.put(variableName, variable) != null) {
                problems.add(where + ": name missing or used twice");
            }
            String type = variable.path("type").asText();
            if (type.equals("datasource")) {
                if (!DATASOURCE_TYPE.equals(variable.path("query").asText())) {
                    problems.add(where + ": not a data source variable of type influxdb");
                }
            } else if (type.equals("query")) {
                checkDatasource(where, variable.path("datasource"), problems);
                if (!variable.path("query").isTextual()
                        || variable.path("query").asText().isBlank()) {
                    problems.add(where + ": no query text");
                }
            }
        }
        JsonNode datasource = variables.get(DATASOURCE_VARIABLE);
        if (datasource == null || !"datasource".equals(datasource.path("type").asText())) {
            problems.add(
                    dashboard.name()
                            + ": no variable '"
                            + DATASOURCE_VARIABLE
                            + "' of type datasource");
        }
        return variables;
    }

    private static void checkDatasource(String where, JsonNode datasource, List<String> problems) {
        if (!DATASOURCE_TYPE.equals(datasource.path("type").asText())
                || !DATASOURCE_UID.equals(datasource.path("uid").asText())) {
            problems.add(
                    String.format(
                            "%s: data source must be {\"type\":\"%s\",\"uid\":\"%s\"}, was %s",
                            where, DATASOURCE_TYPE, DATASOURCE_UID, datasource));
        }
    }

    /**
     * Every variable a query uses must be defined; a multi-value or "All" variable must appear only
     * as an anchored regex, {@code =~ /^$name$/}, the one form in which Grafana's expansion of
     * several values, {@code (a|b)}, or of a custom all value, {@code .*}, is valid InfluxQL.
     */
    private static void checkQuery(
            DashboardQuery query, Map<String, JsonNode> variables, List<String> problems) {
        String text = query.text();
        if (text.contains(ALERTS) && !ALERT_EVENTS.matcher(text).find()) {
            problems.add(
                    query
                            + ": reads alerts without choosing their events: \"state\" ="
                            + " 'firing' (raised), \"state\" = 'resolved' or last(\"firing\")"
                            + " per \"alert_id\" (firing now)");
        }
        for (String name : GrafanaTemplate.references(text)) {
            if (GrafanaTemplate.MACROS.contains(name)) {
                continue;
            }
            JsonNode variable = variables.get(name);
            if (variable == null) {
                problems.add(query + ": uses undefined variable $" + name);
                continue;
            }
            boolean multi =
                    variable.path("multi").asBoolean(false)
                            || variable.path("includeAll").asBoolean(false);
            if (multi) {
                String anchored = "=~ /^$" + name + "$/";
                String anywhere =
                        "\\$(\\{" + Pattern.quote(name) + "}|" + Pattern.quote(name) + "\\b)";
                int uses = text.split(anywhere, -1).length - 1;
                int anchoredUses = text.split(Pattern.quote(anchored), -1).length - 1;
                if (uses != anchoredUses) {
                    problems.add(
                            String.format(
                                    "%s: multi-value variable $%s must be used as %s",
                                    query, name, anchored));
                }
            }
        }
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (value.equals(element.asText())) {
                return true;
            }
        }
        return false;
    }
}
