package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.alert;

import io.vigil.cep.AlertAsserter.ExpectedAlert;
import io.vigil.cep.config.AlertSettings;
import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.List;

/**
 * The alert lifecycle of {@link AlertLifecycle}'s Javadoc written out plainly, for the reference
 * models of the pattern tests: from one key's readings in event-time order, which of them are
 * clear, and what the pattern detects, the firing and resolved events the engine must emit (no
 * reminders or escalations).
 */
final class LifecycleModel {

    /**
     * One detection of a pattern, by the indices of its first and last reading in the readings.
     *
     * @param peak the detection's peak, or {@code null} when the test does not pin it
     */
    record Detection(int first, int last, int events, Double peak) {}

    /** What the engine must emit: the firing events and the resolved ones, each in order. */
    record Expected(List<ExpectedAlert> firing, List<ExpectedAlert> resolved) {}

    private LifecycleModel() {}

    /**
     * @param readings one key's readings in event-time order
     * @param clear whether each reading satisfies the pattern's clear condition
     * @param detections the pattern's detections, in the order of their last readings
     */
    static Expected expect(
            List<SensorReading> readings,
            boolean[] clear,
            List<Detection> detections,
            AlertSettings settings) {
        return expect(readings, clear, detections, settings, false);
    }

    /** As above; with {@code lowestIsPeak} an alert's peak is the lowest of its detections'. */
    static Expected expect(
            List<SensorReading> readings,
            boolean[] clear,
            List<Detection> detections,
            AlertSettings settings,
            boolean lowestIsPeak) {
        List<ExpectedAlert> firing = new ArrayList<>();
        List<ExpectedAlert> resolved = new ArrayList<>();
        Open open = null;
        long resolvedAt = Long.MIN_VALUE;
        for (Detection d : detections) {
            if (open != null) {
                if (open.resolvedBy == -1 || d.last() < open.resolvedBy) {
                    open.absorb(d, lowestIsPeak);
                    continue;
                }
                resolvedAt = readings.get(open.resolvedBy).timestamp();
                resolved.add(open.resolved(resolvedAt));
                open = null;
            }
            long startedAt = readings.get(d.first()).timestamp();
            // No cooldown holds nothing back, not even a detection that began before the resolve.
            if (resolvedAt != Long.MIN_VALUE
                    && !settings.cooldown().isZero()
                    && startedAt < resolvedAt + settings.cooldown().toMillis()) {
                continue;
            }
            open = new Open(d, startedAt, resolvingReading(readings, clear, d.last(), settings));
            firing.add(pin(alert().startedAt(startedAt), readings.get(d.last()).timestamp(), d));
        }
        if (open != null && open.resolvedBy != -1) {
            resolved.add(open.resolved(readings.get(open.resolvedBy).timestamp()));
        }
        return new Expected(firing, resolved);
    }

    /** The first reading after {@code last} at which the readings have been clear for clear-for. */
    private static int resolvingReading(
            List<SensorReading> readings, boolean[] clear, int last, AlertSettings settings) {
        long clearSince = Long.MIN_VALUE;
        for (int i = last + 1; i < readings.size(); i++) {
            if (!clear[i]) {
                clearSince = Long.MIN_VALUE;
                continue;
            }
            long timestamp = readings.get(i).timestamp();
            if (clearSince == Long.MIN_VALUE) {
                clearSince = timestamp;
            }
            if (timestamp - clearSince >= settings.clearFor().toMillis()) {
                return i;
            }
        }
        return -1;
    }

    private static ExpectedAlert pin(ExpectedAlert expected, long endedAt, Detection d) {
        expected.endedAt(endedAt).events(d.events());
        return d.peak() == null ? expected : expected.peak(d.peak());
    }

    /** The alert that fires, with what it has absorbed. */
    private static final class Open {
        final long startedAt;
        final int resolvedBy;
        int events;
        Double peak;

        Open(Detection d, long startedAt, int resolvedBy) {
            this.startedAt = startedAt;
            this.resolvedBy = resolvedBy;
            this.events = d.events();
            this.peak = d.peak();
        }

        void absorb(Detection d, boolean lowestIsPeak) {
            events += d.events();
            if (peak == null || d.peak() == null) {
                peak = null;
            } else {
                peak = lowestIsPeak ? Math.min(peak, d.peak()) : Math.max(peak, d.peak());
            }
        }

        ExpectedAlert resolved(long at) {
            ExpectedAlert expected = alert().startedAt(startedAt).endedAt(at).events(events);
            return peak == null ? expected : expected.peak(peak);
        }
    }
}
