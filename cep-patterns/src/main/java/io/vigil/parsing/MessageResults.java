package io.vigil.parsing;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.List;

/**
 * The readings and dead letters of one message as the readers find them, with what every reading
 * shares: site, device and metric from the topic, the arrival time and the future bound.
 */
final class MessageResults {
    private final RawMessage message;
    private final long maxFutureSkewMillis;
    private final String site;
    private final String device;
    private final String metric;
    private final List<SensorReading> readings = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private int stampedOnArrival;

    MessageResults(RawMessage message, long maxFutureSkewMillis) {
        this.message = message;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        // Only used once the envelope check has accepted the topic.
        String[] levels = message.topic() == null ? new String[0] : message.topic().split("/", -1);
        this.site = levels.length == 4 ? levels[1] : null;
        this.device = levels.length == 4 ? levels[2] : null;
        this.metric = levels.length == 4 ? levels[3] : null;
    }

    ParseResult build() {
        return new ParseResult(readings, deadLetters, stampedOnArrival);
    }

    long arrivalTime() {
        return message.arrivalTime();
    }

    /** How many readings and dead letters so far; a reader compares it to see if it added any. */
    int size() {
        return readings.size() + deadLetters.size();
    }

    /** Adds a reading; {@code metric} null or empty means the topic's metric. */
    void reading(String metric, long timestamp, double value, String unit, boolean onArrival) {
        String readingMetric = metric == null || metric.isEmpty() ? this.metric : metric;
        readings.add(new SensorReading(site, device, readingMetric, timestamp, value, unit));
        if (onArrival) {
            stampedOnArrival++;
        }
    }

    void dead(DeadLetterReason reason, byte[] payload, String detail) {
        deadLetters.add(
                DeadLetter.of(
                        reason.code(), message.topic(), payload, message.arrivalTime(), detail));
    }

    /** A dead letter for the rejection, its detail prefixed with where in the payload it is. */
    void dead(Rejection rejection, byte[] payload, String where) {
        dead(rejection.reason, payload, where + rejection.getMessage());
    }

    /** The timestamp, unless it lies beyond the future bound after this message's arrival. */
    long checkFuture(long timestamp, String field) throws Rejection {
        return Timestamps.checkFuture(timestamp, field, message.arrivalTime(), maxFutureSkewMillis);
    }
}
