package io.vigil.cep;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The {@code burst} pattern: a run of readings above a threshold, e.g. an unusual sound burst.
 *
 * <p>Exact semantics, per key {@code (site, device, metric)}, over the readings in event-time order
 * (ties in arrival order):
 *
 * <ul>
 *   <li>A reading is <em>loud</em> when its value is strictly above the threshold in force for it;
 *       a reading at or below it is <em>quiet</em>. With {@code threshold} the threshold is fixed.
 *       With {@code above-baseline: N} it is the key's baseline plus N, where the baseline is an
 *       exponentially weighted mean of the key's quiet readings ({@code baseline += w * (value -
 *       baseline)}, {@code w} = {@link PatternOptions#BURST_BASELINE_WEIGHT}), initialised by the
 *       key's first reading (which is therefore quiet) and forgotten after {@link
 *       PatternOptions#BURST_BASELINE_RETENTION} of event time without readings. Loud readings do
 *       not move the baseline.
 *   <li>A <em>run</em> is a maximal sequence of consecutive loud readings. It starts at a loud
 *       reading whose predecessor is quiet, or more than {@code within} earlier, or unknown; it
 *       ends at the first quiet reading.
 *   <li>A run that starts at {@code t1} is a <em>burst</em> when at least {@code min-events} of its
 *       readings lie in {@code [t1, t1 + within]}. Each burst gives exactly one alert, covering its
 *       readings in that window: {@code startedAt = t1}, {@code endedAt} = the last of them, {@code
 *       events} = their number, {@code peak} = their maximum. A run that ends inside the window is
 *       covered whole.
 *   <li>The alert is emitted (once the watermark has passed the readings involved) at the quiet
 *       reading that ends the run, if that reading is at most {@code t1 + within}; otherwise when
 *       event time passes {@code t1 + within}. The rest of a run that lasts longer than {@code
 *       within} raises nothing more: sustained loudness gives one alert, not one per window.
 * </ul>
 *
 * <p>This differs from "any {@code min-events} consecutive loud readings within {@code within}"
 * only for a run whose first readings are sparse: the readings that qualify the run must lie within
 * {@code within} of the run's first reading. The price buys one alert per run without suffix
 * matches: a CEP partial match begins only where a run begins.
 *
 * <p>Implementation: {@link BurstProgram}, hosted in the engine, scores the readings in event-time
 * order (threshold and run start), then Flink CEP's NFA matches {@code first(startsRun)
 * loud{min-events - 1,} end(quiet)} with strict contiguity, {@code within(within + 1 ms)} (CEP's
 * window excludes its end) and {@link AfterMatchSkipStrategy#skipPastLastEvent()}; a partial match
 * that reaches the end of the window with enough loud readings becomes the alert when it times out.
 * A key that stops sending leaves no state once event time has passed its last reading by more than
 * {@code within} (by the baseline retention, if longer, for an above-baseline burst).
 *
 * <pre>{@code
 * BurstSpec spec = new BurstSpec(
 *         "loud-burst", "warning", List.of("sound"), 85.0, null, 3, Duration.ofSeconds(10));
 * PatternProgram program = new BurstPattern(spec).program(); // hosted by PatternEngineOperator
 * }</pre>
 */
public final class BurstPattern extends SpecPattern<BurstSpec> {

    private static final long serialVersionUID = 1L;

    static final String FIRST = "first";
    static final String LOUD = "loud";
    static final String END = "end";

    private final double baselineWeight;
    private final Duration baselineRetention;

    /** A burst pattern with the default {@link PatternOptions}. */
    public BurstPattern(BurstSpec spec) {
        this(
                spec,
                PatternOptions.BURST_BASELINE_WEIGHT.defaultValue(),
                PatternOptions.BURST_BASELINE_RETENTION.defaultValue());
    }

    BurstPattern(BurstSpec spec, double baselineWeight, Duration baselineRetention) {
        super(spec);
        checkNeeds(
                (spec.threshold() == null) != (spec.baselineMargin() == null),
                "exactly one of a threshold and a baseline margin,"
                        + " got threshold=%s, margin=%s",
                spec.threshold(),
                spec.baselineMargin());
        check(
                spec.baselineMargin() == null || spec.baselineMargin() >= 0,
                "the baseline margin must not be negative, got %s",
                spec.baselineMargin());
        checkMinEvents(1, spec.minEvents());
        checkPositive("within", spec.within());
        PatternChecks.require(
                baselineWeight > 0 && baselineWeight <= 1,
                "%s must be in (0, 1], got %s",
                PatternOptions.BURST_BASELINE_WEIGHT.key(),
                baselineWeight);
        PatternChecks.require(
                baselineRetention.toMillis() > 0,
                "%s must be positive, got %s",
                PatternOptions.BURST_BASELINE_RETENTION.key(),
                baselineRetention);
        this.baselineWeight = baselineWeight;
        this.baselineRetention = baselineRetention;
    }

    @Override
    public PatternProgram program() {
        long withinMillis = spec.within().toMillis();
        long retention =
                spec.isRelativeToBaseline()
                        ? Math.max(withinMillis, baselineRetention.toMillis())
                        : withinMillis;
        return new BurstProgram(this, baselineWeight, retention);
    }

    /** The CEP pattern over scored readings. */
    Pattern<ScoredReading, ScoredReading> pattern() {
        Pattern<ScoredReading, ScoredReading> loud =
                Pattern.<ScoredReading>begin(FIRST, AfterMatchSkipStrategy.skipPastLastEvent())
                        .where(SimpleCondition.of(ScoredReading::startsRun))
                        .next(LOUD)
                        .where(SimpleCondition.of(ScoredReading::isBeyond));
        loud =
                spec.minEvents() > 1
                        ? loud.timesOrMore(spec.minEvents() - 1)
                        : loud.oneOrMore().optional();
        return loud.consecutive()
                .next(END)
                .where(SimpleCondition.of(scored -> !scored.isBeyond()))
                .within(spec.within().plusMillis(1));
    }

    static List<ScoredReading> loudReadings(Map<String, List<ScoredReading>> match) {
        List<ScoredReading> loud = new ArrayList<>(match.get(FIRST));
        loud.addAll(match.getOrDefault(LOUD, List.of()));
        return loud;
    }

    Alert alert(List<ScoredReading> loud) {
        PatternAlerts.Run run =
                new PatternAlerts.Run(loud.stream().map(ScoredReading::reading).toList());
        String side = spec.below() ? "below" : "above";
        String beyond =
                spec.isRelativeToBaseline()
                        ? String.format(
                                "more than %s%s %s baseline %s",
                                AlertText.number(spec.baselineMargin()),
                                run.unit(),
                                side,
                                AlertText.number(
                                        spec.below()
                                                ? loud.get(0).threshold() + spec.baselineMargin()
                                                : loud.get(0).threshold() - spec.baselineMargin()))
                        : side + " " + AlertText.number(spec.threshold()) + run.unit();
        return run.alert(
                spec,
                spec.below(),
                String.format("%s over %s", beyond, AlertText.seconds(run.millis())));
    }
}
