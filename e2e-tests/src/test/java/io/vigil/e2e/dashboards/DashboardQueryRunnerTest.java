package io.vigil.e2e.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How {@link DashboardQueryRunner} resolves variables and judges results, against a hand-written
 * stand-in for InfluxDB that records the queries and answers with fixed rows.
 */
class DashboardQueryRunnerTest {

    private final List<String> sent = new ArrayList<>();

    private static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    private List<DashboardQueryRunner.Outcome> run(
            String json, Map<String, String> chosen, boolean all) {
        DashboardQueryRunner runner =
                new DashboardQueryRunner(
                        q -> {
                            sent.add(q);
                            if (q.startsWith("SHOW")) {
                                return List.of(
                                        row("key", "site", "value", "plant-a"),
                                        row("key", "site", "value", "plant.b"));
                            }
                            if (q.contains("nulls")) {
                                return List.of(row("time", 1L, "site", "plant-a", "mean", null));
                            }
                            return List.of(row("time", 1L, "site", "plant-a", "mean", 1.5));
                        },
                        1000,
                        2000,
                        "1m");
        return runner.run(GrafanaDashboard.parse("d.json", json), "test", chosen, all);
    }

    private static String dashboard(String variableExtras, String panelQuery) {
        return """
        {"templating": {"list": [
          {"name": "datasource", "type": "datasource", "query": "influxdb"},
          {"name": "window", "type": "custom", "current": {"value": "30m"}},
          {"name": "site", "type": "query", %s
           "query": "SHOW TAG VALUES FROM \\"m\\" WITH KEY = \\"site\\""}]},
         "panels": [{"id": 1, "title": "p", "targets": [{"refId": "A", "query": "%s"}]}]}
        """
                .formatted(variableExtras, panelQuery);
    }

    private static final String QUERY =
            "SELECT mean(\\\"mean\\\") FROM \\\"m\\\" WHERE \\\"site\\\" =~ /^$site$/ AND time >"
                    + " now() - $window GROUP BY time($__interval), \\\"site\\\"";

    @Test
    void selectsTheChosenValueEscapedForAMultiValueVariable() {
        List<DashboardQueryRunner.Outcome> outcomes =
                run(dashboard("\"multi\": true,", QUERY), Map.of("site", "plant.b"), false);
        assertThat(outcomes).allMatch(DashboardQueryRunner.Outcome::ok);
        assertThat(sent.get(1))
                .isEqualTo(
                        "SELECT mean(\"mean\") FROM \"m\" WHERE \"site\" =~ /^plant\\.b$/ AND time"
                                + " > now() - 30m GROUP BY time(1m), \"site\"");
    }

    @Test
    void selectsTheFirstValueWhenNoneIsChosen() {
        run(dashboard("", QUERY), Map.of(), false);
        assertThat(sent.get(1)).contains("=~ /^plant-a$/");
    }

    @Test
    void selectsAllAsTheCustomAllValueOrAsAnAlternationOfEveryValue() {
        run(dashboard("\"includeAll\": true, \"allValue\": \".*\",", QUERY), Map.of(), true);
        assertThat(sent.get(1)).contains("=~ /^.*$/");
        run(dashboard("\"includeAll\": true,", QUERY), Map.of(), true);
        assertThat(sent.get(3)).contains("=~ /^(plant-a|plant\\.b)$/");
    }

    @Test
    void reportsAChosenValueThatTheVariableDoesNotOffer() {
        List<DashboardQueryRunner.Outcome> outcomes =
                run(dashboard("", QUERY), Map.of("site", "plant-x"), false);
        assertThat(outcomes.get(0).ok()).isFalse();
        assertThat(outcomes.get(0).error()).contains("plant-x, is not among [plant-a, plant.b]");
    }

    @Test
    void countsRowsWhoseOnlyValuesAreTheTimeAndGroupByTagsAsEmpty() {
        List<DashboardQueryRunner.Outcome> outcomes =
                run(dashboard("", QUERY.replace("\\\"m\\\"", "nulls")), Map.of(), false);
        DashboardQueryRunner.Outcome panel = outcomes.get(1);
        assertThat(panel.rows()).isEqualTo(1);
        assertThat(panel.rowsWithValues()).isZero();
        assertThat(panel.ok()).isFalse();
    }

    @Test
    void reportsAVariableTypeItCannotResolve() {
        String json =
                dashboard("", QUERY)
                        .replace(
                                "{\"name\": \"window\", \"type\": \"custom\"",
                                "{\"name\": \"window\", \"type\": \"interval\"");
        List<DashboardQueryRunner.Outcome> outcomes = run(json, Map.of(), false);
        assertThat(outcomes.get(0).error())
                .isEqualTo("variable type interval is not supported by this test");
        assertThat(outcomes.get(2).error()).contains("No value for [window]");
    }
}
