package io.vigil.cep;

import io.vigil.cep.config.SilenceSpec;
import io.vigil.cep.engine.PatternProgram;
import java.time.Duration;

/**
 * The {@code silence} pattern: a key that stopped sending readings.
 *
 * <p>Exact semantics, per key {@code (site, device, metric)}:
 *
 * <ul>
 *   <li>Watching starts with the key's first reading (a key never heard of cannot be missed).
 *       Readings are taken in event-time order as the watermark passes them.
 *   <li>A <em>silent period</em> begins at a reading {@code last} when the key has no reading with
 *       an event time in {@code (time(last), time(last) + after]}, i.e. the next reading (if any)
 *       is more than {@code after} later. It is detected when the watermark reaches {@code
 *       time(last) + after}: one alert, emitted then, after which the key's state is cleared
 *       (readings already waiting for the watermark stay and start watching afresh). So each silent
 *       period gives exactly one alert, and a reading that arrives early, ahead of the watermark,
 *       cannot hide a silence before it.
 *   <li>Fallback for when event time stalls (every source quiet, so watermarks stop): when
 *       wall-clock time reaches the arrival time of the key's most recently arrived reading plus
 *       {@code after} plus {@link PatternOptions#SILENCE_PROCESSING_TIME_GRACE} before the
 *       event-time path has alerted, the alert is emitted from that processing-time timer, for
 *       {@code last} = the arrived reading with the latest event time; the key's silence state is
 *       dropped, and the readings of the key up to {@code time(last)} are passed over when event
 *       time reaches them, so the event-time path cannot alert again for that period. The grace
 *       must exceed the watermark's usual lag behind wall-clock time (out-of-orderness plus
 *       idleness timeout plus pipeline delay); otherwise the fallback could alert for a key whose
 *       next reading was merely still on its way. The fallback also waits while event time moves:
 *       it alerts only once the watermark has not advanced for the grace either. So a backlog
 *       replayed far behind the wall clock, whose watermark keeps moving, is judged by event time
 *       alone, and a key whose next reading is still in the backlog is not taken for silent.
 *   <li>The end of a bounded input (its final watermark jumps event time to the end of time) is not
 *       a silence: a key whose last reading is followed by nothing but that end is cleared without
 *       an alert. Gaps between readings are still judged as above.
 *   <li>The alert carries {@code startedAt = time(last)}, {@code endedAt = time(last) + after},
 *       {@code events = 0} and {@code peak} = the value of {@code last}.
 * </ul>
 *
 * <p>Implementation: {@link SilenceProgram}, hosted in the engine, with one event-time timer per
 * key (Flink CEP cannot match the absence of events at the end of a stream) and, only while event
 * time stalls, one processing-time timer per key: the engine looks for a stall once per subtask and
 * then arms the fallback of every key with state. A key that stops sending leaves no state and no
 * timer once it has alerted.
 *
 * <pre>{@code
 * SilenceSpec spec = new SilenceSpec("sensor-silent", "warning", List.of("*"), Duration.ofMinutes(2));
 * PatternProgram program = new SilencePattern(spec).program(); // hosted by PatternEngineOperator
 * }</pre>
 */
public final class SilencePattern extends SpecPattern<SilenceSpec> {

    private static final long serialVersionUID = 1L;

    private final Duration processingTimeGrace;

    /** A silence pattern with the default {@link PatternOptions#SILENCE_PROCESSING_TIME_GRACE}. */
    public SilencePattern(SilenceSpec spec) {
        this(spec, PatternOptions.SILENCE_PROCESSING_TIME_GRACE.defaultValue());
    }

    /** A silence pattern whose processing-time fallback waits {@code processingTimeGrace} more. */
    public SilencePattern(SilenceSpec spec, Duration processingTimeGrace) {
        super(spec);
        checkPositive("after", spec.after());
        PatternChecks.require(
                !processingTimeGrace.isNegative(),
                "%s must not be negative, got %s",
                PatternOptions.SILENCE_PROCESSING_TIME_GRACE.key(),
                processingTimeGrace);
        this.processingTimeGrace = processingTimeGrace;
    }

    @Override
    public PatternProgram program() {
        return new SilenceProgram(this, processingTimeGrace.toMillis());
    }
}
