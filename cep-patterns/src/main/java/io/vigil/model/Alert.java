package io.vigil.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One event in the life of an alert raised by a pattern for one key: the pattern's name and type,
 * its severity, the key, the event time the alert started at, the number of readings and the peak
 * value so far, a short message for people, the {@link AlertState state} and the alert's {@code id}
 * (the same for every event of one alert).
 *
 * <p>{@code endedAt} is, while firing, the event time of the latest reading the pattern matched; in
 * the resolving event, the event time at which the condition cleared, so that {@link
 * #durationMillis()} is how long the alert lasted.
 */
public record Alert(
        String pattern,
        String type,
        String severity,
        String site,
        String device,
        String metric,
        long startedAt,
        long endedAt,
        int events,
        double peak,
        String message,
        AlertState state,
        String id) {

    /** A firing alert, with the id {@link AlertIds#of} gives its pattern, key and start. */
    public Alert(
            String pattern,
            String type,
            String severity,
            String site,
            String device,
            String metric,
            long startedAt,
            long endedAt,
            int events,
            double peak,
            String message) {
        this(
                pattern,
                type,
                severity,
                site,
                device,
                metric,
                startedAt,
                endedAt,
                events,
                peak,
                message,
                AlertState.FIRING,
                AlertIds.of(pattern, site, device, metric, startedAt));
    }

    /** The event time from the start of the alert to {@code endedAt}. */
    @JsonIgnore
    public long durationMillis() {
        return endedAt - startedAt;
    }

    @JsonIgnore
    public boolean isFiring() {
        return state == AlertState.FIRING;
    }
}
