package io.vigil.model;

/**
 * An alert raised by a pattern for one key: the pattern's name and type, its severity, the first
 * and last matching reading's event time, the number of readings, the peak value and a short
 * message for people.
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
        String message) {}
