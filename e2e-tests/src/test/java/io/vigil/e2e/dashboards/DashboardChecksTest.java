package io.vigil.e2e.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule of {@link DashboardChecks} reports the dashboard that breaks it, and only that one. */
class DashboardChecksTest {

    private static final String DS = "{\"type\": \"influxdb\", \"uid\": \"${datasource}\"}";

    private static final String VARIABLES =
            """
            "templating": {"list": [
              {"name": "datasource", "type": "datasource", "query": "influxdb"},
              {"name": "site", "type": "query", "multi": true, "includeAll": true,
               "datasource": %s,
               "query": "SHOW TAG VALUES FROM \\"sensor_aggregates\\" WITH KEY = \\"site\\""}]}
            """
                    .formatted(DS);

    private static String dashboard(String panels) {
        return dashboard(panels, "\"annotations\": {\"list\": []}");
    }

    private static String dashboard(String panels, String annotations) {
        return """
        {"uid": "u", "title": "t", "schemaVersion": 39, "tags": ["vigil"], %s, %s,
         "panels": [%s]}
        """
                .formatted(VARIABLES, annotations, panels);
    }

    private static String panel(int id, String datasource, String target) {
        return """
        {"id": %d, "type": "timeseries", "title": "p%d", "gridPos": {"h": 1, "w": 1, "x": 0, "y": 0},
         "datasource": %s, "targets": [%s]}
        """
                .formatted(id, id, datasource, target);
    }

    private static String target(String query) {
        return """
        {"refId": "A", "datasource": %s, "rawQuery": true, "query": "%s"}
        """
                .formatted(DS, query);
    }

    private static final String GOOD_QUERY =
            "SELECT mean(\\\"mean\\\") FROM \\\"sensor_aggregates\\\" WHERE \\\"site\\\" =~"
                    + " /^$site$/ AND $timeFilter GROUP BY time($__interval)";

    private static List<String> problems(String json) {
        return DashboardChecks.problems(GrafanaDashboard.parse("d.json", json));
    }

    @Test
    void acceptsADashboardThatKeepsEveryRule() {
        assertThat(problems(dashboard(panel(1, DS, target(GOOD_QUERY))))).isEmpty();
    }

    @Test
    void rejectsTextThatIsNotJson() {
        assertThatThrownBy(() -> GrafanaDashboard.parse("d.json", "{\"panels\": ["))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("d.json is not valid JSON");
    }

    @Test
    void reportsAMissingSchemaVersionUidAndTag() {
        String json =
                dashboard(panel(1, DS, target(GOOD_QUERY)))
                        .replace("\"uid\": \"u\",", "")
                        .replace("\"schemaVersion\": 39,", "")
                        .replace("[\"vigil\"]", "[]");
        assertThat(problems(json))
                .containsExactlyInAnyOrder(
                        "d.json: no uid",
                        "d.json: no integer schemaVersion",
                        "d.json: not tagged 'vigil'");
    }

    @Test
    void reportsAPanelIdUsedTwiceEvenInsideACollapsedRow() {
        String row =
                """
                {"id": 2, "type": "row", "title": "r", "collapsed": true,
                 "gridPos": {"h": 1, "w": 24, "x": 0, "y": 1}, "panels": [%s]}
                """
                        .formatted(panel(1, DS, target(GOOD_QUERY)));
        assertThat(problems(dashboard(panel(1, DS, target(GOOD_QUERY)) + "," + row)))
                .containsExactly("d.json panel 1 'p1': id used by another panel");
    }

    @Test
    void reportsAHardCodedDatasourceOnAPanelATargetAVariableAndAnAnnotation() {
        String hardCoded = "{\"type\": \"influxdb\", \"uid\": \"vigil-influxdb\"}";
        String json =
                dashboard(
                                panel(1, hardCoded, target(GOOD_QUERY).replace(DS, hardCoded)),
                                """
                                "annotations": {"list": [{"name": "a", "datasource": %s,
                                  "query": "SELECT \\"message\\" FROM \\"alerts\\" WHERE \\"state\\" = 'firing' AND $timeFilter"}]}
                                """
                                        .formatted(hardCoded))
                        .replace(VARIABLES, VARIABLES.replace(DS, hardCoded));
        assertThat(problems(json))
                .hasSize(4)
                .allMatch(p -> p.contains("data source must be") && p.contains("vigil-influxdb"))
                .anyMatch(p -> p.startsWith("d.json panel 1 'p1':"))
                .anyMatch(p -> p.startsWith("d.json panel 1 'p1' target A:"))
                .anyMatch(p -> p.startsWith("d.json variable site:"))
                .anyMatch(p -> p.startsWith("d.json annotation 'a':"));
    }

    @Test
    void reportsADashboardWithoutTheDatasourceVariable() {
        String json =
                dashboard(panel(1, DS, target(GOOD_QUERY)))
                        .replace(
                                "{\"name\": \"datasource\", \"type\": \"datasource\", \"query\":"
                                        + " \"influxdb\"},",
                                "");
        assertThat(problems(json))
                .containsExactly("d.json: no variable 'datasource' of type datasource");
    }

    @Test
    void reportsATargetThatIsNotARawInfluxQlQuery() {
        String builderTarget =
                "{\"refId\": \"A\", \"datasource\": "
                        + DS
                        + ", \"measurement\": \"alerts\", \"select\": [[{\"type\": \"field\"}]]}";
        assertThat(problems(dashboard(panel(1, DS, builderTarget))))
                .containsExactly(
                        "d.json panel 1 'p1' target A: not a raw InfluxQL query (rawQuery: true)",
                        "d.json panel 1 'p1' target A: no query text");
    }

    @Test
    void reportsAPanelWithoutTargets() {
        String json = dashboard(panel(1, DS, ""));
        assertThat(problems(json)).containsExactly("d.json panel 1 'p1': no targets");
    }

    @Test
    void reportsAMultiValueVariableOutsideAnAnchoredRegexAndAnUndefinedVariable() {
        String query =
                "SELECT mean(\\\"mean\\\") FROM \\\"sensor_aggregates\\\" WHERE \\\"site\\\" ="
                        + " '$site' AND \\\"device\\\" =~ /^$device$/ AND $timeFilter";
        assertThat(problems(dashboard(panel(1, DS, target(query)))))
                .containsExactly(
                        "d.json panel 1 'p1' target A: multi-value variable $site must be used as"
                                + " =~ /^$site$/",
                        "d.json panel 1 'p1' target A: uses undefined variable $device");
    }

    @Test
    void reportsAnAlertQueryThatDoesNotChooseFiringOrResolvedEvents() {
        String counts =
                "SELECT count(\\\"events\\\") FROM \\\"alerts\\\" WHERE \\\"site\\\" =~"
                        + " /^$site$/ AND $timeFilter";
        String raised =
                "SELECT count(\\\"events\\\") FROM \\\"alerts\\\" WHERE \\\"state\\\" ="
                        + " 'firing' AND \\\"site\\\" =~ /^$site$/ AND $timeFilter";
        String firingNow =
                "SELECT * FROM (SELECT last(\\\"firing\\\") AS \\\"firing\\\" FROM"
                        + " \\\"alerts\\\" WHERE $timeFilter GROUP BY \\\"alert_id\\\")"
                        + " WHERE \\\"firing\\\" = 1";

        assertThat(
                        problems(
                                dashboard(
                                        String.join(
                                                ",",
                                                panel(1, DS, target(counts)),
                                                panel(2, DS, target(raised)),
                                                panel(3, DS, target(firingNow))))))
                .containsExactly(
                        "d.json panel 1 'p1' target A: reads alerts without choosing their events:"
                                + " \"state\" = 'firing' (raised), \"state\" = 'resolved' or"
                                + " last(\"firing\") per \"alert_id\" (firing now)");
    }
}
