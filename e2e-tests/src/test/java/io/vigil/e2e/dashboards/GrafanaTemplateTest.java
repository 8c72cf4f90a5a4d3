package io.vigil.e2e.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Grafana's InfluxQL macro and variable replacement, as the dashboard test performs it. */
class GrafanaTemplateTest {

    @Test
    void replacesTheTimeFilterTheIntervalAndBothVariableForms() {
        String query =
                "SELECT mean(\"mean\") FROM \"m\" WHERE \"site\" =~ /^$site$/ AND \"device\" ="
                        + " '${device}' AND $timeFilter GROUP BY time($__interval)";
        assertThat(
                        GrafanaTemplate.interpolate(
                                query,
                                Map.of("site", "plant-a", "device", "mic-01"),
                                1000,
                                2000,
                                "1m"))
                .isEqualTo(
                        "SELECT mean(\"mean\") FROM \"m\" WHERE \"site\" =~ /^plant-a$/ AND"
                                + " \"device\" = 'mic-01' AND time >= 1000ms and time <= 2000ms"
                                + " GROUP BY time(1m)");
    }

    @Test
    void doesNotMistakeAVariableForAnotherWhoseNameItStartsWith() {
        assertThat(
                        GrafanaTemplate.interpolate(
                                "$site $site_group",
                                Map.of("site", "a", "site_group", "b"),
                                0,
                                0,
                                "1m"))
                .isEqualTo("a b");
    }

    @Test
    void refusesAQueryWithAVariableThatHasNoValue() {
        assertThatThrownBy(
                        () ->
                                GrafanaTemplate.interpolate(
                                        "WHERE \"site\" =~ /^$site$/", Map.of(), 0, 0, "1m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No value for [site]");
    }

    @Test
    void escapesRegexCharactersAndJoinsSeveralValuesAsGrafanaDoes() {
        assertThat(GrafanaTemplate.escapeRegex("a.b/c(d)")).isEqualTo("a\\.b\\/c\\(d\\)");
        assertThat(GrafanaTemplate.regexAlternation(List.of("plant-b", "plant-a")))
                .isEqualTo("(plant-a|plant-b)");
        assertThat(GrafanaTemplate.regexAlternation(List.of("only"))).isEqualTo("only");
    }

    @Test
    void listsTheReferencedNamesInOrder() {
        assertThat(GrafanaTemplate.references("$timeFilter ${site} /^$device$/ now() - 30m"))
                .containsExactly("timeFilter", "site", "device");
    }
}
