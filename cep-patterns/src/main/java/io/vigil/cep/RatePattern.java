package io.vigil.cep;

import io.vigil.cep.config.RateSpec;
import io.vigil.cep.engine.PatternProgram;

/**
 * The {@code rate} pattern: a value changing faster than a bound, e.g. vibration RMS rising by more
 * than 0.5 mm/s per minute.
 *
 * <p>Exact semantics, per key {@code (site, device, metric)}, over the readings in event-time order
 * (ties in arrival order):
 *
 * <ul>
 *   <li>The <em>slope at</em> a reading {@code r} is measured from {@code r0}, the oldest reading
 *       of the key with {@code time(r) - time(r0) <= over}: {@code (value(r) - value(r0)) /
 *       (time(r) - time(r0)) * per}. {@code r} has no slope when fewer than {@code min-events}
 *       readings lie from {@code r0} to {@code r} (both included) or when {@code time(r0) =
 *       time(r)}.
 *   <li>{@code r} is <em>steep</em> when its slope exceeds {@code max-rate} in the direction:
 *       {@code rising}: slope {@code > max-rate}; {@code falling}: slope {@code < -max-rate};
 *       {@code either}: one of the two. A slope exactly at the bound is not steep (the comparison
 *       is made exactly, as {@code (value(r) - value(r0)) * per > max-rate * (time(r) -
 *       time(r0))}).
 *   <li>Each steep reading is a <em>detection</em> covering the readings from {@code r0} to {@code
 *       r} that no earlier detection of the key covered: {@code startedAt} = the first of them,
 *       {@code endedAt = time(r)}, {@code events} = their number, {@code peak} = their maximum. A
 *       sustained steep change is thus one detection per reading whose readings do not overlap, and
 *       the alert that fires absorbs them ({@link AlertLifecycle}).
 *   <li>A reading is <em>clear</em> when it is not steep.
 *   <li>The detection is emitted at {@code r}, once the watermark has passed it.
 * </ul>
 *
 * <p>Implementation: {@link RateProgram}, plain keyed state rather than Flink CEP. The slope is a
 * function of a sliding window of readings (its oldest and newest), not a sequence of conditions:
 * an NFA would keep a partial match per reading in the window and look into each for every reading,
 * where the program keeps the window's times and values in two arrays and looks at its two ends. A
 * key's state is the readings of its last {@code over} (16 bytes each) and is dropped when event
 * time passes its last reading by {@code over}.
 *
 * <pre>{@code
 * RateSpec spec = new RateSpec("vibration-rate", "warning", List.of("vibration"), 0.5,
 *         Duration.ofMinutes(1), Duration.ofMinutes(5), RateSpec.Direction.RISING, 3,
 *         AlertSettings.DEFAULTS);
 * PatternProgram program = new RatePattern(spec).program(); // hosted by PatternEngineOperator
 * }</pre>
 */
public final class RatePattern extends SpecPattern<RateSpec> {

    private static final long serialVersionUID = 1L;

    public RatePattern(RateSpec spec) {
        super(spec);
        check(
                spec.maxRate() > 0 && Double.isFinite(spec.maxRate()),
                "max-rate must be a positive number, got %s",
                spec.maxRate());
        checkPositive("per", spec.per());
        checkPositive("over", spec.over());
        check(spec.direction() != null, "direction must be given");
        checkMinEvents(2, spec.minEvents());
    }

    @Override
    public PatternProgram program() {
        return new RateProgram(this);
    }
}
