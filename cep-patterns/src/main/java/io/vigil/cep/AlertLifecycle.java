package io.vigil.cep;

import io.vigil.cep.config.AlertSettings;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.Alert;
import io.vigil.model.AlertState;
import io.vigil.model.SensorReading;
import java.io.Serializable;
import org.apache.flink.api.common.state.ValueState;

/**
 * The life of one pattern's alerts for the current key, the same for every pattern type: the
 * pattern reports what it <em>detects</em> and whether each reading is <em>clear</em>; this turns
 * that into alert events with {@link AlertSettings}.
 *
 * <ul>
 *   <li>A detection while no alert is firing <em>fires</em> one (state {@code firing}, a new id),
 *       unless it comes within {@code cooldown} after the key's previous alert resolved: then it
 *       raises nothing at all.
 *   <li>A detection while an alert is firing raises nothing: it extends the alert (its readings are
 *       added to {@code events}, its peak to {@code peak}).
 *   <li>The alert <em>resolves</em> at the first reading at which the condition has been clear for
 *       {@code clear-for}: the readings since the first clear one were all clear, and the reading
 *       is at least {@code clear-for} later than that first one ({@code clear-for} 0: the first
 *       clear reading). A reading that is not clear starts the count again. The resolving event has
 *       {@code endedAt} = that reading's time.
 *   <li>While firing, a reminder ({@code firing} again, same id, counts so far) each {@code
 *       repeat-after} of event time after the alert fired; and once, when {@code escalate-after}
 *       has passed since the alert started, a {@code firing} event with severity {@code
 *       escalate-to}, which the events after it keep. An alert that is already that old when it
 *       fires fires with the escalated severity.
 * </ul>
 *
 * <p>The state is one POJO per key, kept while an alert fires and, after it resolves, until the
 * cooldown has passed; reminders and escalations are event-time timers of the pattern, which
 * forwards every timer to {@link #onEventTime}.
 */
final class AlertLifecycle implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final long NONE = Long.MIN_VALUE;

    private final PatternSpec spec;
    private final AlertSettings settings;
    private final long reportDelayMillis;
    private final boolean lowestIsPeak;

    private transient ValueState<LifecycleState> state;

    /**
     * @param reportDelayMillis how much later, in event time, than its first reading the pattern
     *     may report a detection: the end of the cooldown is remembered that much longer
     */
    AlertLifecycle(PatternSpec spec, long reportDelayMillis) {
        this(spec, reportDelayMillis, false);
    }

    /**
     * @param lowestIsPeak whether the pattern's peak is its lowest value (a burst below a
     *     threshold, a falling drift): an alert then absorbs the lowest peak of its detections
     */
    AlertLifecycle(PatternSpec spec, long reportDelayMillis, boolean lowestIsPeak) {
        this.spec = spec;
        this.settings = spec.alerting();
        this.reportDelayMillis = reportDelayMillis;
        this.lowestIsPeak = lowestIsPeak;
    }

    void open(ProgramContext context) {
        state = context.valueState("alert-lifecycle", LifecycleState.class);
    }

    /** True while an alert of the current key fires. */
    boolean isFiring() throws Exception {
        LifecycleState current = state.value();
        return current != null && current.firing;
    }

    /**
     * The pattern detected its condition for the current key.
     *
     * @param detection what the pattern matched: its key, start, end, readings, peak and message
     * @param timestamp the event time of the detection (the alert's timestamp downstream)
     */
    void detected(Alert detection, long timestamp, ProgramContext context) throws Exception {
        LifecycleState current = state.value();
        if (current != null && current.firing) {
            current.endedAt = Math.max(current.endedAt, detection.endedAt());
            current.events += detection.events();
            current.peak =
                    lowestIsPeak
                            ? Math.min(current.peak, detection.peak())
                            : Math.max(current.peak, detection.peak());
            state.update(current);
            return;
        }
        if (current != null
                && current.resolvedAt != NONE
                && detection.startedAt() < current.resolvedAt + settings.cooldown().toMillis()) {
            return;
        }
        LifecycleState next = new LifecycleState();
        next.firing = true;
        next.site = detection.site();
        next.device = detection.device();
        next.metric = detection.metric();
        next.startedAt = detection.startedAt();
        next.endedAt = detection.endedAt();
        next.events = detection.events();
        next.peak = detection.peak();
        next.message = detection.message();
        next.id = detection.id();
        next.severity = spec.severity();
        next.firedAt = timestamp;
        next.clearSince = NONE;
        next.resolvedAt = NONE;
        if (settings.escalateAfter() != null) {
            long escalateAt = next.startedAt + settings.escalateAfter().toMillis();
            if (escalateAt <= timestamp) {
                next.severity = settings.escalateTo();
                next.escalated = true;
            } else {
                next.escalateAt = escalateAt;
                context.registerEventTimeTimer(escalateAt);
            }
        }
        if (settings.repeatAfter() != null) {
            next.remindAt = timestamp + settings.repeatAfter().toMillis();
            context.registerEventTimeTimer(next.remindAt);
        }
        state.update(next);
        context.emit(next.event(spec, AlertState.FIRING, next.endedAt, next.message), timestamp);
    }

    /**
     * A reading of the current key, in event-time order, after the pattern has looked at it.
     *
     * @param clear whether the reading satisfies the pattern's clear condition
     */
    void observed(SensorReading reading, boolean clear, ProgramContext context) throws Exception {
        LifecycleState current = state.value();
        if (current == null || !current.firing) {
            return;
        }
        long timestamp = reading.timestamp();
        if (!clear) {
            if (current.clearSince != NONE) {
                current.clearSince = NONE;
                state.update(current);
            }
            return;
        }
        if (current.clearSince == NONE) {
            current.clearSince = timestamp;
        }
        if (timestamp - current.clearSince < settings.clearFor().toMillis()) {
            state.update(current);
            return;
        }
        resolve(current, timestamp, context);
    }

    private void resolve(LifecycleState current, long timestamp, ProgramContext context)
            throws Exception {
        String message =
                String.format(
                        "resolved after %s: %s",
                        AlertText.seconds(timestamp - current.startedAt), current.message);
        context.emit(current.event(spec, AlertState.RESOLVED, timestamp, message), timestamp);
        if (current.remindAt != NONE) {
            context.deleteEventTimeTimer(current.remindAt);
        }
        if (current.escalateAt != NONE) {
            context.deleteEventTimeTimer(current.escalateAt);
        }
        long cooldown = settings.cooldown().toMillis();
        if (cooldown == 0) {
            state.clear();
            return;
        }
        LifecycleState quiet = new LifecycleState();
        quiet.resolvedAt = timestamp;
        // A detection that starts within the cooldown may be reported after it ended.
        quiet.forgetAt = timestamp + cooldown + reportDelayMillis;
        context.registerEventTimeTimer(quiet.forgetAt);
        state.update(quiet);
    }

    /** Every event-time timer of the pattern: reminders, escalation and the end of the cooldown. */
    void onEventTime(long timestamp, ProgramContext context) throws Exception {
        LifecycleState current = state.value();
        if (current == null) {
            return;
        }
        if (!current.firing) {
            if (current.forgetAt == timestamp) {
                state.clear();
            }
            return;
        }
        boolean changed = false;
        if (current.escalateAt == timestamp) {
            current.escalateAt = NONE;
            current.severity = settings.escalateTo();
            current.escalated = true;
            changed = true;
            stillFiring(current, "escalated to " + current.severity, timestamp, context);
        }
        if (current.remindAt == timestamp) {
            current.remindAt = timestamp + settings.repeatAfter().toMillis();
            context.registerEventTimeTimer(current.remindAt);
            changed = true;
            stillFiring(current, "still firing", timestamp, context);
        }
        if (changed) {
            state.update(current);
        }
    }

    /** Emits a firing event of the current alert: "{@code <what> after <age>: <message>}". */
    private void stillFiring(
            LifecycleState current, String what, long timestamp, ProgramContext context) {
        String message =
                String.format(
                        "%s after %s: %s",
                        what, AlertText.seconds(timestamp - current.startedAt), current.message);
        context.emit(current.event(spec, AlertState.FIRING, current.endedAt, message), timestamp);
    }

    /** One key's alert of this pattern. A POJO: Flink serializes it without Kryo. */
    public static final class LifecycleState {
        public boolean firing;
        public String id;
        public String site;
        public String device;
        public String metric;
        public long startedAt;
        public long endedAt;
        public int events;
        public double peak;
        public String message;
        public String severity;
        public boolean escalated;
        public long firedAt = NONE;
        public long clearSince = NONE;
        public long remindAt = NONE;
        public long escalateAt = NONE;
        public long resolvedAt = NONE;
        public long forgetAt = NONE;

        public LifecycleState() {}

        Alert event(PatternSpec spec, AlertState state, long endedAt, String message) {
            return new Alert(
                    spec.name(),
                    spec.type(),
                    severity,
                    site,
                    device,
                    metric,
                    startedAt,
                    endedAt,
                    events,
                    peak,
                    message,
                    state,
                    id);
        }
    }
}
