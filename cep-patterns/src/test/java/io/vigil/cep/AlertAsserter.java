package io.vigil.cep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.model.Alert;
import io.vigil.model.AlertState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Assertions on the alerts a pattern emitted, one after the other, in the style of Flink CEP's
 * {@code OutputAsserter}:
 *
 * <pre>{@code
 * assertOutput(harness.alerts())
 *         .nextAlert(alert().startedAt(1 * S).endedAt(3 * S).events(3))
 *         .hasNoMoreAlerts();
 * }</pre>
 */
final class AlertAsserter {

    private final List<Alert> alerts;
    private String description = "";
    private int next;

    private AlertAsserter(List<Alert> alerts) {
        this.alerts = List.copyOf(alerts);
    }

    /** Asserts on {@code alerts}, starting with the first. */
    static AlertAsserter assertOutput(List<Alert> alerts) {
        return new AlertAsserter(alerts);
    }

    /** An expected alert whose fields are all still open; each setter pins one. */
    static ExpectedAlert alert() {
        return new ExpectedAlert();
    }

    /** Names what is checked, in every failure message that follows. */
    AlertAsserter as(String format, Object... args) {
        description = "[" + String.format(format, args) + "] ";
        return this;
    }

    /** The next alert equals {@code expected} in every field. */
    AlertAsserter nextAlertEquals(Alert expected) {
        assertThat(current()).as("%salert #%d", description, next).isEqualTo(expected);
        return this;
    }

    /** The next alert has the fields {@code expected} pins. */
    AlertAsserter nextAlert(ExpectedAlert expected) {
        assertThat(expected.of(current()))
                .as("%salert #%d", description, next)
                .isEqualTo(expected.values);
        return this;
    }

    /** The next alerts, in this order, have the fields each of {@code expected} pins. */
    AlertAsserter nextAlerts(List<ExpectedAlert> expected) {
        List<Map<String, Object>> actual = new ArrayList<>();
        for (int i = 0; i < expected.size() && next < alerts.size(); i++) {
            actual.add(expected.get(i).of(alerts.get(next++)));
        }
        assertThat(actual)
                .as("%salerts up to #%d", description, next)
                .containsExactlyElementsOf(expected.stream().map(e -> e.values).toList());
        return this;
    }

    /**
     * The alerts not yet checked are {@code expected} in some order; all expected alerts pin the
     * same fields.
     */
    void hasRemainingAlertsInAnyOrder(List<ExpectedAlert> expected) {
        List<Alert> remaining = alerts.subList(next, alerts.size());
        if (expected.isEmpty()) {
            assertThat(remaining).as("%sremaining alerts", description).isEmpty();
            return;
        }
        ExpectedAlert shape = expected.get(0);
        assertThat(remaining.stream().map(shape::of).toList())
                .as("%sremaining alerts", description)
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(e -> e.values).toList());
        next = alerts.size();
    }

    /** Every alert has been checked. */
    void hasNoMoreAlerts() {
        assertThat(alerts.subList(next, alerts.size()))
                .as("%salerts after the %d checked", description, next)
                .isEmpty();
    }

    private Alert current() {
        assertThat(alerts)
                .as("%sthere is an alert #%d", description, next + 1)
                .hasSizeGreaterThan(next);
        return alerts.get(next++);
    }

    /** The fields an alert must have; the fields not set are not checked. */
    static final class ExpectedAlert {

        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Function<Alert, Object>> fields = new LinkedHashMap<>();

        ExpectedAlert device(String device) {
            return with("device", Alert::device, device);
        }

        ExpectedAlert state(AlertState state) {
            return with("state", Alert::state, state);
        }

        ExpectedAlert metric(String metric) {
            return with("metric", Alert::metric, metric);
        }

        ExpectedAlert severity(String severity) {
            return with("severity", Alert::severity, severity);
        }

        ExpectedAlert startedAt(long startedAt) {
            return with("startedAt", Alert::startedAt, startedAt);
        }

        ExpectedAlert endedAt(long endedAt) {
            return with("endedAt", Alert::endedAt, endedAt);
        }

        ExpectedAlert events(int events) {
            return with("events", Alert::events, events);
        }

        ExpectedAlert peak(double peak) {
            return with("peak", Alert::peak, peak);
        }

        private ExpectedAlert with(String field, Function<Alert, Object> getter, Object value) {
            values.put(field, value);
            fields.put(field, getter);
            return this;
        }

        /** The fields of {@code alert} that this expectation pins. */
        private Map<String, Object> of(Alert alert) {
            Map<String, Object> actual = new LinkedHashMap<>();
            fields.forEach((field, getter) -> actual.put(field, getter.apply(alert)));
            return actual;
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }
}
