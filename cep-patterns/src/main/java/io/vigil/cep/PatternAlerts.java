package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.util.List;

/** Builds the alerts of every pattern alike: the pattern's identity, the key, the span. */
final class PatternAlerts {

    private PatternAlerts() {}

    /**
     * An alert of {@code spec} for the key of {@code reading}.
     *
     * @param reading any reading of the key, which names the site, device and metric
     */
    static Alert alert(
            PatternSpec spec,
            SensorReading reading,
            long startedAt,
            long endedAt,
            int events,
            double peak,
            String message) {
        return new Alert(
                spec.name(),
                spec.type(),
                spec.severity(),
                reading.site(),
                reading.device(),
                reading.metric(),
                startedAt,
                endedAt,
                events,
                peak,
                message);
    }

    /** Consecutive readings of one key, in event-time order, that an alert covers. */
    record Run(List<SensorReading> readings) {

        Run {
            if (readings.isEmpty()) {
                throw new IllegalArgumentException("A run needs at least one reading");
            }
        }

        SensorReading first() {
            return readings.get(0);
        }

        SensorReading last() {
            return readings.get(readings.size() - 1);
        }

        int size() {
            return readings.size();
        }

        double peak() {
            return readings.stream().mapToDouble(SensorReading::value).max().orElseThrow();
        }

        /** The lowest value: the extreme of a run below a threshold. */
        double trough() {
            return readings.stream().mapToDouble(SensorReading::value).min().orElseThrow();
        }

        /** The event time from the first reading to the last. */
        long millis() {
            return last().timestamp() - first().timestamp();
        }

        /** The unit of the readings as messages append it, e.g. {@code " dB"}. */
        String unit() {
            return AlertText.unit(first().unit());
        }

        /**
         * The alert for this run: from its first reading to its last, their count and their
         * extreme, the lowest value when {@code lowest} (a run below a threshold, a fall) and the
         * highest otherwise; its message is "{@code <count> readings <what>, peak <extreme>}" (or
         * "{@code lowest}").
         */
        Alert alert(PatternSpec spec, boolean lowest, String what) {
            double extreme = lowest ? trough() : peak();
            String message =
                    String.format(
                            "%d readings %s, %s %s",
                            size(), what, lowest ? "lowest" : "peak", AlertText.number(extreme));
            return PatternAlerts.alert(
                    spec,
                    first(),
                    first().timestamp(),
                    last().timestamp(),
                    size(),
                    extreme,
                    message);
        }
    }
}
