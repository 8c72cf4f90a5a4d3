package io.vigil.e2e.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.e2e.dashboards.GrafanaDashboard.DashboardQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs every query of a dashboard against InfluxDB as Grafana would: variables resolved in order
 * (each query variable from its own query's result), then every panel target and annotation with
 * the macros and variables filled in.
 */
final class DashboardQueryRunner {

    private static final Pattern GROUP_BY =
            Pattern.compile(
                    "GROUP BY ((?:time\\([^)]*\\)|\"[^\"]+\"|,|\\s)+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

    private final Function<String, List<Map<String, Object>>> influx;
    private final long fromMillis;
    private final long toMillis;
    private final String interval;

    /**
     * @param influx runs one InfluxQL query and returns its rows; throws on a query error
     * @param fromMillis start of the dashboard time range ({@code $timeFilter})
     * @param toMillis end of the dashboard time range
     * @param interval what {@code $__interval} stands for, e.g. {@code 1m}
     */
    DashboardQueryRunner(
            Function<String, List<Map<String, Object>>> influx,
            long fromMillis,
            long toMillis,
            String interval) {
        this.influx = influx;
        this.fromMillis = fromMillis;
        this.toMillis = toMillis;
        this.interval = interval;
    }

    /**
     * How one query went: the InfluxQL sent, the number of rows and of those with a value (a
     * non-null column besides the time and the group-by tags), or the error.
     */
    record Outcome(
            DashboardQuery query,
            String scenario,
            String influxql,
            int rows,
            int rowsWithValues,
            String error) {
        boolean ok() {
            return error == null && rowsWithValues > 0;
        }

        @Override
        public String toString() {
            String result =
                    error != null
                            ? "ERROR " + error
                            : String.format("%d rows, %d with values", rows, rowsWithValues);
            return String.format("[%s] %s: %s%n    %s", scenario, query, result, influxql);
        }
    }

    /**
     * Runs the dashboard's queries.
     *
     * @param scenario a name for the outcomes
     * @param chosen the value to select for some variables (it must be among the variable's
     *     values); other variables take their first value
     * @param selectAll whether variables that offer "All" select it (overriding {@code chosen})
     */
    List<Outcome> run(
            GrafanaDashboard dashboard,
            String scenario,
            Map<String, String> chosen,
            boolean selectAll) {
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, String> values = new HashMap<>();
        for (JsonNode variable : dashboard.variables()) {
            String name = variable.path("name").asText();
            String type = variable.path("type").asText();
            switch (type) {
                case "datasource":
                    // The data source is the connection itself; no query text uses it.
                    break;
                case "custom":
                case "constant":
                case "textbox":
                    values.put(name, currentValue(variable));
                    break;
                case "query":
                    values.put(
                            name,
                            resolveQueryVariable(
                                    dashboard, variable, scenario, chosen, selectAll, values,
                                    outcomes));
                    break;
                default:
                    outcomes.add(
                            new Outcome(
                                    new DashboardQuery(dashboard.name(), "variable " + name, ""),
                                    scenario,
                                    "",
                                    0,
                                    0,
                                    "variable type " + type + " is not supported by this test"));
            }
        }
        for (DashboardQuery query : dashboard.queries()) {
            if (!query.where().startsWith("variable ")) {
                outcomes.add(execute(query, scenario, values).outcome);
            }
        }
        return outcomes;
    }

    private String resolveQueryVariable(
            GrafanaDashboard dashboard,
            JsonNode variable,
            String scenario,
            Map<String, String> chosen,
            boolean selectAll,
            Map<String, String> values,
            List<Outcome> outcomes) {
        String name = variable.path("name").asText();
        DashboardQuery query =
                new DashboardQuery(
                        dashboard.name(), "variable " + name, variable.path("query").asText(""));
        Execution execution = execute(query, scenario, values);
        List<String> options = new ArrayList<>();
        for (Map<String, Object> row : execution.rows) {
            options.add(String.valueOf(row.get("value")));
        }
        Outcome outcome = execution.outcome;
        boolean multi =
                variable.path("multi").asBoolean(false)
                        || variable.path("includeAll").asBoolean(false);
        String value;
        if (selectAll && variable.path("includeAll").asBoolean(false)) {
            JsonNode allValue = variable.path("allValue");
            value =
                    allValue.isTextual() && !allValue.asText().isEmpty()
                            ? allValue.asText()
                            : GrafanaTemplate.regexAlternation(options);
        } else {
            String selected = chosen.containsKey(name) ? chosen.get(name) : first(options);
            if (outcome.ok() && !options.contains(selected)) {
                outcome =
                        new Outcome(
                                query,
                                scenario,
                                outcome.influxql(),
                                outcome.rows(),
                                outcome.rowsWithValues(),
                                String.format(
                                        "the value chosen for the test, %s, is not among %s",
                                        selected, options));
            }
            value = multi ? GrafanaTemplate.escapeRegex(selected) : selected;
        }
        outcomes.add(outcome);
        return value;
    }

    private record Execution(Outcome outcome, List<Map<String, Object>> rows) {}

    private Execution execute(DashboardQuery query, String scenario, Map<String, String> values) {
        String influxql = query.text();
        try {
            influxql =
                    GrafanaTemplate.interpolate(
                            query.text(), values, fromMillis, toMillis, interval);
            List<Map<String, Object>> rows = influx.apply(influxql);
            Set<String> groupByTags = groupByTags(influxql);
            int withValues = 0;
            for (Map<String, Object> row : rows) {
                boolean valued =
                        row.entrySet().stream()
                                .anyMatch(
                                        c ->
                                                !c.getKey().equals("time")
                                                        && !groupByTags.contains(c.getKey())
                                                        && c.getValue() != null);
                withValues += valued ? 1 : 0;
            }
            return new Execution(
                    new Outcome(query, scenario, influxql, rows.size(), withValues, null), rows);
        } catch (RuntimeException e) {
            return new Execution(
                    new Outcome(
                            query,
                            scenario,
                            influxql,
                            0,
                            0,
                            Objects.requireNonNullElse(e.getMessage(), e.toString())),
                    List.of());
        }
    }

    /**
     * The tags of every GROUP BY clause: the query results carry them in each row beside the
     * columns, always set, so they say nothing about whether the query found values.
     */
    private static Set<String> groupByTags(String influxql) {
        Set<String> tags = new HashSet<>();
        Matcher clause = GROUP_BY.matcher(influxql);
        while (clause.find()) {
            Matcher tag = QUOTED.matcher(clause.group(1));
            while (tag.find()) {
                tags.add(tag.group(1));
            }
        }
        return tags;
    }

    private static String currentValue(JsonNode variable) {
        JsonNode value = variable.path("current").path("value");
        return value.isArray() ? value.path(0).asText() : value.asText();
    }

    private static String first(List<String> options) {
        return options.isEmpty() ? "" : options.get(0);
    }
}
