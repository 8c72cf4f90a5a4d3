package io.vigil.cep;

import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SequenceSpec.Contiguity;
import io.vigil.cep.config.SequenceSpec.Step;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The {@code sequence} pattern: steps over the metrics of one device, one after the other, e.g.
 * temperature above 80 °C followed by a sound burst within 5 minutes.
 *
 * <p>Exact semantics, per device {@code (site, device)}, over the device's readings of the steps'
 * metrics in event-time order (readings of one instant in metric-name order, then in arrival
 * order):
 *
 * <ul>
 *   <li>A <em>run</em> of a step is {@code min-events} readings of the step's metric that are
 *       consecutive among the device's readings of that metric and all strictly above (or below)
 *       the step's threshold. Readings of other metrics in between do not matter.
 *   <li>A <em>match</em> is one run per step, in step order, each run beginning after the run
 *       before it ends; with {@code contiguity: next} a step's run is the first {@code min-events}
 *       readings of its metric after the step before (no reading of that metric in between). From
 *       the first reading of the first run to the last reading of the last run is at most {@code
 *       within}.
 *   <li>The match that ends first (the earliest last reading) raises the alert; of matches ending
 *       at the same reading, the one whose first run begins first; its later runs are the earliest
 *       that qualify. Then matching starts afresh: the next match's readings all come after this
 *       match's last reading.
 *   <li>The alert: the device's site and device, {@code metric} of the last reading, {@code
 *       startedAt} and {@code endedAt} the first and the last reading of the match, {@code events}
 *       the sum of the steps' {@code min-events}, {@code peak} the largest value of the last run
 *       (the lowest when the last step is below its threshold). It is emitted as soon as the
 *       watermark has passed the match's last reading.
 * </ul>
 *
 * <p>Implementation: {@link SequenceProgram} scores each reading (its runs), then Flink CEP's NFA
 * matches {@code begin(step-1).followedBy(step-2)...within(within + 1 ms)}, with a step's run
 * beginning after the previous step's run as an iterative condition, {@code notFollowedBy} (a
 * reading of the step's metric that does not meet its condition) before a {@code next} step, and
 * {@link AfterMatchSkipStrategy#noSkip()}: every start's earliest completion comes out when it
 * completes, and the program keeps the first that begins after the last match. A device that stops
 * sending leaves no state once event time has passed its last reading by {@code within}.
 *
 * <pre>{@code
 * PatternProgram program = new SequencePattern(spec).program(); // hosted by the engine per device
 * }</pre>
 */
public final class SequencePattern extends SpecPattern<SequenceSpec> {

    private static final long serialVersionUID = 1L;

    public SequencePattern(SequenceSpec spec) {
        super(spec);
        List<Step> steps = spec.steps();
        checkNeeds(steps.size() >= 2, "at least two steps, got %d", steps.size());
        checkPositive("within", spec.within());
        for (Step step : steps) {
            checkMinEvents(1, step.minEvents());
        }
        check(
                steps.get(0).contiguity() == Contiguity.FOLLOWED_BY,
                "the first step has no step before it to be next to");
    }

    @Override
    public PatternProgram program() {
        return new SequenceProgram(this);
    }

    /**
     * The CEP pattern over scored readings; step {@code i} (from 0) is named {@code step-(i+1)}.
     */
    Pattern<SequenceEvent, SequenceEvent> pattern() {
        long withinMillis = spec.within().toMillis();
        Pattern<SequenceEvent, SequenceEvent> pattern =
                Pattern.<SequenceEvent>begin(stepName(0), AfterMatchSkipStrategy.noSkip())
                        .where(SimpleCondition.of(SequenceEvent::startsMatch));
        List<Step> steps = spec.steps();
        for (int i = 1; i < steps.size(); i++) {
            Step step = steps.get(i);
            if (step.contiguity() == Contiguity.NEXT) {
                pattern =
                        pattern.notFollowedBy("before-" + stepName(i))
                                .where(
                                        SimpleCondition.of(
                                                event ->
                                                        event.reading()
                                                                        .metric()
                                                                        .equals(step.metric())
                                                                && !step.accepts(
                                                                        event.reading().value())));
            }
            pattern =
                    pattern.followedBy(stepName(i))
                            .where(new RunAfter(i, i == steps.size() - 1 ? withinMillis : -1));
        }
        return pattern.within(Duration.ofMillis(withinMillis + 1));
    }

    static String stepName(int step) {
        return "step-" + (step + 1);
    }

    /** The alert of the match from {@code first} (step 1) to {@code last} (the last step). */
    Alert alert(SequenceEvent first, SequenceEvent last) {
        long startedAt = first.runStartTimes()[0];
        long endedAt = last.reading().timestamp();
        List<Step> steps = spec.steps();
        double peak = last.runPeaks()[steps.size() - 1];
        int events = steps.stream().mapToInt(Step::minEvents).sum();
        String description =
                IntStream.range(0, steps.size())
                        .mapToObj(i -> describe(steps.get(i), i > 0))
                        .collect(Collectors.joining(", then "));
        return PatternAlerts.alert(
                spec,
                last.reading(),
                startedAt,
                endedAt,
                events,
                peak,
                String.format(
                        "%s: %d readings over %s, peak %s%s",
                        description,
                        events,
                        AlertText.seconds(endedAt - startedAt),
                        AlertText.number(peak),
                        AlertText.unit(last.reading().unit())));
    }

    /** E.g. {@code 3 sound readings above 85.0}, or {@code next temperature below 60.0}. */
    private static String describe(Step step, boolean afterAnother) {
        return String.format(
                "%s%s %s %s",
                afterAnother && step.contiguity() == Contiguity.NEXT ? "next " : "",
                step.minEvents() == 1
                        ? step.metric()
                        : step.minEvents() + " " + step.metric() + " readings",
                step.above() ? "above" : "below",
                AlertText.number(step.threshold()));
    }

    /**
     * A step after the first: the event completes a run of the step that begins after the run of
     * the step before ends; for the last step, within {@code within} of the first run's beginning.
     */
    private static final class RunAfter extends IterativeCondition<SequenceEvent> {

        private static final long serialVersionUID = 1L;

        private final int step;
        private final long withinMillis;

        /**
         * @param withinMillis the span to check, or -1 for a step that is not the last
         */
        RunAfter(int step, long withinMillis) {
            this.step = step;
            this.withinMillis = withinMillis;
        }

        @Override
        public boolean filter(SequenceEvent event, Context<SequenceEvent> context)
                throws Exception {
            if (!event.completes(step)) {
                return false;
            }
            SequenceEvent previous = null;
            for (SequenceEvent e : context.getEventsForPattern(stepName(step - 1))) {
                previous = e;
            }
            if (previous == null || event.runStarts()[step] <= previous.position()) {
                return false;
            }
            if (withinMillis < 0) {
                return true;
            }
            SequenceEvent first = context.getEventsForPattern(stepName(0)).iterator().next();
            return event.reading().timestamp() - first.runStartTimes()[0] <= withinMillis;
        }
    }
}
