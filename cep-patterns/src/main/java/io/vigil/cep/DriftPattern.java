package io.vigil.cep;

import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.BooleanConditions;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * The {@code drift} pattern: a slow, steady rise, e.g. a pump heating up.
 *
 * <p>Exact semantics, per key {@code (site, device, metric)}, over the readings {@code r1, r2, ...}
 * in event-time order (ties in arrival order):
 *
 * <ul>
 *   <li>The consecutive readings {@code rs..re} form a <em>qualifying run</em> when there are at
 *       least {@code min-events} of them, {@code time(re) - time(rs) <= within}, each one after
 *       {@code rs} is not lower than the one before it minus {@code tolerance}, and {@code
 *       value(re) - value(rs) >= min-rise}.
 *   <li>Alerts are what this procedure yields: start with {@code from = r1}; take the qualifying
 *       run with the earliest start {@code rs} at or after {@code from}, and for that start the
 *       earliest end {@code re}; alert for it; continue with {@code from} = the reading after
 *       {@code re}. So one run gives one alert, the alert reports the run from its earliest
 *       possible start up to the first reading that completes it, and a new run starts after it.
 *   <li>The alert carries {@code startedAt = time(rs)}, {@code endedAt = time(re)}, {@code events}
 *       = the number of readings in the run, {@code peak} = their maximum.
 *   <li>It is emitted once the watermark has passed {@code re} and no run starting earlier can
 *       still qualify: at {@code re}, or up to {@code within} later when an earlier-starting run is
 *       still open (CEP releases matches in the order of their starts).
 * </ul>
 *
 * <p>Implementation: {@link DriftProgram}, hosted in the engine, marks, in event-time order, each
 * reading that keeps up with its predecessor; then Flink CEP's NFA matches {@code first rising*
 * last} with strict contiguity, {@code within(within + 1 ms)} (CEP's window excludes its end) and
 * {@link AfterMatchSkipStrategy#skipPastLastEvent()}. The rise from the first reading is checked by
 * an iterative condition on the partial match; {@code rising} and {@code last} are mutually
 * exclusive so that each start completes at most once, at its earliest end. The stepper also marks
 * the readings that may complete a run (some possible start at least {@code min-rise} lower, from a
 * sliding minimum); only for those does the condition look into the partial matches (one look per
 * open partial match, at most the readings of one {@code within}), so a flat or noisy signal costs
 * no more than any CEP pattern. A key that stops sending leaves no state once event time has passed
 * its last reading by more than {@code within}.
 *
 * <pre>{@code
 * DriftSpec spec = new DriftSpec(
 *         "pump-drift", "critical", List.of("temperature"), 5, Duration.ofMinutes(10), 0.3, 4.0);
 * PatternProgram program = new DriftPattern(spec).program(); // hosted by PatternEngineOperator
 * }</pre>
 */
public final class DriftPattern extends SpecPattern<DriftSpec> {

    private static final long serialVersionUID = 1L;

    static final String FIRST = "first";
    static final String RISING = "rising";
    static final String LAST = "last";

    public DriftPattern(DriftSpec spec) {
        super(spec);
        checkMinEvents(2, spec.minEvents());
        checkPositive("within", spec.within());
        check(spec.tolerance() >= 0, "tolerance must not be negative, got %s", spec.tolerance());
        check(spec.minRise() > 0, "min-rise must be positive, got %s", spec.minRise());
    }

    @Override
    public PatternProgram program() {
        return new DriftProgram(this);
    }

    /** The CEP pattern over marked readings. */
    Pattern<RiseStep, RiseStep> pattern() {
        return Pattern.<RiseStep>begin(FIRST, AfterMatchSkipStrategy.skipPastLastEvent())
                .where(BooleanConditions.trueFunction())
                .next(RISING)
                .where(new Completes(spec, false))
                .oneOrMore()
                .optional()
                .consecutive()
                .next(LAST)
                .where(new Completes(spec, true))
                .within(spec.within().plusMillis(1));
    }

    /**
     * True for a reading that keeps up and, with {@code completing}, completes the run (enough
     * readings and enough rise), or, without, does not complete it yet.
     */
    private static final class Completes extends IterativeCondition<RiseStep> {

        private static final long serialVersionUID = 1L;

        private final int minEvents;
        private final double minRise;
        private final double direction;
        private final boolean completing;

        Completes(DriftSpec spec, boolean completing) {
            this.minEvents = spec.minEvents();
            this.minRise = spec.minRise();
            this.direction = spec.falling() ? -1 : 1;
            this.completing = completing;
        }

        @Override
        public boolean filter(RiseStep step, Context<RiseStep> ctx) throws Exception {
            if (!step.keepsUp()) {
                return false;
            }
            if (!step.mayComplete()) {
                // No open run can complete here: skip looking into the partial match.
                return !completing;
            }
            // CEP materialises the partial match once per event and partial match, shared by both
            // conditions; only the first reading and the count are needed from it.
            Iterator<RiseStep> first = ctx.getEventsForPattern(FIRST).iterator();
            int count = 1;
            for (RiseStep ignored : ctx.getEventsForPattern(RISING)) {
                count++;
            }
            boolean completes =
                    count + 1 >= minEvents
                            && direction * (step.reading().value() - first.next().reading().value())
                                    >= minRise;
            return completes == completing;
        }
    }

    Alert alert(Map<String, List<RiseStep>> match) {
        List<SensorReading> readings = new ArrayList<>();
        match.get(FIRST).forEach(step -> readings.add(step.reading()));
        match.getOrDefault(RISING, List.of()).forEach(step -> readings.add(step.reading()));
        match.get(LAST).forEach(step -> readings.add(step.reading()));
        PatternAlerts.Run run = new PatternAlerts.Run(readings);
        SensorReading first = run.first();
        SensorReading last = run.last();
        return run.alert(
                spec,
                spec.falling(),
                String.format(
                        "%s %s%s from %s to %s over %s",
                        spec.falling() ? "falling" : "rising",
                        AlertText.number(Math.abs(last.value() - first.value())),
                        run.unit(),
                        AlertText.number(first.value()),
                        AlertText.number(last.value()),
                        AlertText.seconds(run.millis())));
    }
}
