package io.vigil.cep;

import io.vigil.cep.config.FlatlineSpec;
import io.vigil.cep.engine.PatternProgram;

/**
 * The {@code flatline} pattern: a stuck sensor, sending the same value (within {@code epsilon}) for
 * {@code min-events} readings and/or for a duration.
 *
 * <p>Exact semantics, per key {@code (site, device, metric)}, over the readings in event-time order
 * (ties in arrival order):
 *
 * <ul>
 *   <li>The readings fall into <em>stretches</em> of consecutive readings. The key's first reading
 *       starts one; each later reading {@code r} joins the current stretch when it comes at most
 *       {@code max-gap} after the reading before it and the stretch's readings with {@code r} stay
 *       within a band of {@code epsilon} ({@code max - min <= epsilon}); otherwise {@code r} starts
 *       a new stretch.
 *   <li>A reading is <em>stuck</em> when its stretch, from its first reading {@code s} up to and
 *       including it, has at least {@code min-events} readings (if given) and {@code time(r) -
 *       time(s) >= for} (if given).
 *   <li>Each stuck reading is a <em>detection</em> covering the readings of its stretch that no
 *       earlier detection covered: the first stuck reading of a stretch covers the stretch up to it
 *       ({@code startedAt = time(s)}, {@code events} = its readings, {@code peak} = their maximum),
 *       each later one only itself. The alert that fires absorbs them ({@link AlertLifecycle}), so
 *       one stuck stretch is one alert that counts its readings.
 *   <li>A reading is <em>clear</em> when it is not stuck: the first reading that leaves the band
 *       (it starts a new stretch of one) is clear.
 *   <li>The detection is emitted at the stuck reading, once the watermark has passed it.
 * </ul>
 *
 * <p>A stretch is fixed by where it starts, not the longest run of readings within a band ending at
 * each reading: after a reading leaves the band, the stretch that it starts may leave out earlier
 * readings that were within {@code epsilon} of it. That keeps a key's state to a few numbers
 * whatever the length of the stretch.
 *
 * <p>Implementation: {@link FlatlineProgram}, plain keyed state rather than Flink CEP: an NFA would
 * keep a partial match per reading of a stretch and look into them for its band, where the program
 * keeps the stretch's minimum, maximum, first time and count. A key's state is dropped when event
 * time passes its last reading by {@code max-gap}.
 *
 * <pre>{@code
 * FlatlineSpec spec = new FlatlineSpec("stuck-sensor", "warning", List.of("temperature"), 0.01,
 *         10, Duration.ofMinutes(5), Duration.ofHours(1), AlertSettings.DEFAULTS);
 * PatternProgram program = new FlatlinePattern(spec).program(); // hosted by PatternEngineOperator
 * }</pre>
 */
public final class FlatlinePattern extends SpecPattern<FlatlineSpec> {

    private static final long serialVersionUID = 1L;

    public FlatlinePattern(FlatlineSpec spec) {
        super(spec);
        check(
                spec.epsilon() >= 0 && Double.isFinite(spec.epsilon()),
                "epsilon must be 0 or more, got %s",
                spec.epsilon());
        checkNeeds(
                spec.minEvents() != null || spec.minDuration() != null, "min-events, for, or both");
        if (spec.minEvents() != null) {
            checkMinEvents(2, spec.minEvents());
        }
        if (spec.minDuration() != null) {
            checkPositive("for", spec.minDuration());
        }
        checkPositive("max-gap", spec.maxGap());
    }

    @Override
    public PatternProgram program() {
        return new FlatlineProgram(this);
    }
}
