package io.vigil.e2e.dashboards;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Does to an InfluxQL query what Grafana's InfluxDB data source does before sending it: replaces
 * {@code $timeFilter}, {@code $__interval} and template variables ({@code $name}, {@code ${name}}).
 */
final class GrafanaTemplate {

    /** Macros Grafana's InfluxQL mode fills in itself; no dashboard variable defines them. */
    static final Set<String> MACROS = Set.of("timeFilter", "__interval", "__interval_ms");

    private static final Pattern REFERENCE =
            Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    private static final String REGEX_SPECIALS = "\\^$*+?.()|[]{}/";

    private GrafanaTemplate() {}

    /** The names of the variables and macros a query refers to, in order of appearance. */
    static Set<String> references(String query) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(query);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return names;
    }

    /**
     * The query as Grafana sends it for the time range {@code [fromMillis, toMillis]}, the group-by
     * interval {@code interval} (e.g. {@code 1m}) and the variable values (already formatted, e.g.
     * regex-escaped for a multi-value variable).
     *
     * @throws IllegalArgumentException when the query refers to a variable without a value
     */
    static String interpolate(
            String query,
            Map<String, String> values,
            long fromMillis,
            long toMillis,
            String interval) {
        String timeFilter = String.format("time >= %dms and time <= %dms", fromMillis, toMillis);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        Matcher m = REFERENCE.matcher(query);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value;
            if (name.equals("timeFilter")) {
                value = timeFilter;
            } else if (name.equals("__interval")) {
                value = interval;
            } else if (values.containsKey(name)) {
                value = values.get(name);
            } else {
                missing.add(name);
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    String.format("No value for %s in query: %s", missing, query));
        }
        return out.toString();
    }

    /**
     * A value as Grafana writes a single selected value of a multi-value or "All" variable into a
     * regex: special characters (and the regex delimiter {@code /}) escaped.
     */
    static String escapeRegex(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (REGEX_SPECIALS.indexOf(c) >= 0) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * Several selected values (or "All" without a custom all value) as Grafana writes them into a
     * regex: escaped and joined into an alternation, a single value without parentheses.
     */
    static String regexAlternation(List<String> values) {
        List<String> escaped =
                values.stream()
                        .sorted(Comparator.naturalOrder())
                        .map(GrafanaTemplate::escapeRegex)
                        .toList();
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }
}
