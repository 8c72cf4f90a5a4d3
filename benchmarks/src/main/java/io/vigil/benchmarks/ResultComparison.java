package io.vigil.benchmarks;

import io.vigil.model.Alert;
import io.vigil.model.WindowAggregate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alerts and window aggregates of two engines on the same input, compared: alerts by pattern, key,
 * start, end, number of readings and peak; aggregates by key and window, every statistic within a
 * relative 1e-9.
 */
final class ResultComparison {

    private static final double TOLERANCE = 1e-9;

    private final List<String> alertsOnlyInFirst = new ArrayList<>();
    private final List<String> alertsOnlyInSecond = new ArrayList<>();
    private final List<String> aggregateDifferences = new ArrayList<>();
    private final int firstAlerts;
    private final int secondAlerts;
    private final int firstAggregates;
    private final int secondAggregates;

    private ResultComparison(
            List<Alert> firstAlerts,
            List<Alert> secondAlerts,
            List<WindowAggregate> firstAggregates,
            List<WindowAggregate> secondAggregates) {
        this.firstAlerts = firstAlerts.size();
        this.secondAlerts = secondAlerts.size();
        this.firstAggregates = firstAggregates.size();
        this.secondAggregates = secondAggregates.size();
        Map<String, Integer> alerts = new TreeMap<>();
        firstAlerts.forEach(a -> alerts.merge(identity(a), 1, Integer::sum));
        secondAlerts.forEach(a -> alerts.merge(identity(a), -1, Integer::sum));
        alerts.forEach(
                (alert, balance) -> {
                    for (int i = 0; i < Math.abs(balance); i++) {
                        (balance > 0 ? alertsOnlyInFirst : alertsOnlyInSecond).add(alert);
                    }
                });
        Map<String, WindowAggregate> second = new HashMap<>();
        for (WindowAggregate a : secondAggregates) {
            if (second.put(windowKey(a), a) != null) {
                aggregateDifferences.add("twice in second: " + a);
            }
        }
        Map<String, WindowAggregate> first = new TreeMap<>();
        for (WindowAggregate a : firstAggregates) {
            if (first.put(windowKey(a), a) != null) {
                aggregateDifferences.add("twice in first: " + a);
            }
        }
        for (Map.Entry<String, WindowAggregate> entry : first.entrySet()) {
            WindowAggregate other = second.remove(entry.getKey());
            if (other == null) {
                aggregateDifferences.add("only in first: " + entry.getValue());
            } else if (!same(entry.getValue(), other)) {
                aggregateDifferences.add("differs: first " + entry.getValue() + " second " + other);
            }
        }
        new TreeMap<>(second)
                .values()
                .forEach(a -> aggregateDifferences.add("only in second: " + a));
    }

    static ResultComparison of(
            List<Alert> firstAlerts,
            List<Alert> secondAlerts,
            List<WindowAggregate> firstAggregates,
            List<WindowAggregate> secondAggregates) {
        return new ResultComparison(firstAlerts, secondAlerts, firstAggregates, secondAggregates);
    }

    /** Alerts in only one of the two plus aggregates missing or different. */
    int mismatches() {
        return alertsOnlyInFirst.size() + alertsOnlyInSecond.size() + aggregateDifferences.size();
    }

    List<String> alertsOnlyInFirst() {
        return alertsOnlyInFirst;
    }

    List<String> alertsOnlyInSecond() {
        return alertsOnlyInSecond;
    }

    List<String> aggregateDifferences() {
        return aggregateDifferences;
    }

    /** A report: the counts, then up to {@code examples} of each kind of difference. */
    String describe(String first, String second, int examples) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "alerts %s %d, %s %d; aggregates %s %d, %s %d; mismatches %d"
                                + " (alerts only in %s %d, only in %s %d, aggregates differing"
                                + " or missing %d)%n",
                        first,
                        firstAlerts,
                        second,
                        secondAlerts,
                        first,
                        firstAggregates,
                        second,
                        secondAggregates,
                        mismatches(),
                        first,
                        alertsOnlyInFirst.size(),
                        second,
                        alertsOnlyInSecond.size(),
                        aggregateDifferences.size()));
        alertsOnlyInFirst.stream()
                .limit(examples)
                .forEach(
                        a ->
                                out.append("  alert only in ")
                                        .append(first)
                                        .append(": ")
                                        .append(a)
                                        .append('\n'));
        alertsOnlyInSecond.stream()
                .limit(examples)
                .forEach(
                        a ->
                                out.append("  alert only in ")
                                        .append(second)
                                        .append(": ")
                                        .append(a)
                                        .append('\n'));
        aggregateDifferences.stream()
                .limit(examples)
                .forEach(a -> out.append("  aggregate ").append(a).append('\n'));
        return out.toString();
    }

    static String identity(Alert alert) {
        return String.format(
                Locale.ROOT,
                "%s %s/%s/%s start=%d end=%d events=%d peak=%.6f",
                alert.pattern(),
                alert.site(),
                alert.device(),
                alert.metric(),
                alert.startedAt(),
                alert.endedAt(),
                alert.events(),
                alert.peak());
    }

    private static String windowKey(WindowAggregate a) {
        return a.site() + '/' + a.device() + '/' + a.metric() + '@' + a.windowStart();
    }

    private static boolean same(WindowAggregate a, WindowAggregate b) {
        return a.windowEnd() == b.windowEnd()
                && a.count() == b.count()
                && close(a.min(), b.min())
                && close(a.max(), b.max())
                && close(a.mean(), b.mean())
                && close(a.stddev(), b.stddev())
                && close(a.last(), b.last())
                && close(a.leq(), b.leq());
    }

    private static boolean close(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        return Math.abs(a - b) <= TOLERANCE * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }
}
