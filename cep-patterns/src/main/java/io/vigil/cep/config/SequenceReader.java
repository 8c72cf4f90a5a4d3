package io.vigil.cep.config;

import io.vigil.cep.config.SequenceSpec.Contiguity;
import io.vigil.cep.config.SequenceSpec.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads a {@code sequence} pattern into a {@link SequenceSpec}. */
final class SequenceReader extends PatternReader {

    static final String STEPS = "steps";
    static final String METRIC = "metric";
    static final String ABOVE = "above";
    static final String BELOW = "below";
    static final String CONTIGUITY = "contiguity";

    private static final List<String> STEP_FIELDS =
            List.of(METRIC, ABOVE, BELOW, MIN_EVENTS, CONTIGUITY);
    private static final String CONTIGUITIES =
            Stream.of(Contiguity.values())
                    .map(c -> "'" + c.text() + "'")
                    .collect(Collectors.joining(" or "));

    SequenceReader() {
        super(SequenceSpec.TYPE, WITHIN, STEPS);
    }

    @Override
    boolean hasMetrics() {
        return false;
    }

    @Override
    boolean hasOverrides() {
        return false;
    }

    @Override
    Optional<PatternSpec> read(Common common, FieldReader fields) {
        Optional<Duration> within = fields.duration(WITHIN);
        Optional<List<FieldReader>> entries =
                fields.mappings(STEPS, true, "a step of a 'sequence' pattern");
        List<Step> steps = new ArrayList<>();
        if (entries.isPresent()) {
            if (entries.get().size() < 2) {
                fields.error(
                        STEPS,
                        String.format(
                                "needs at least two steps, found %d (for one metric alone, use a"
                                        + " 'burst' pattern)",
                                entries.get().size()),
                        fields.line(STEPS));
            }
            for (int i = 0; i < entries.get().size(); i++) {
                step(entries.get().get(i), i == 0).ifPresent(steps::add);
            }
        }
        if (within.isEmpty() || entries.isEmpty() || steps.size() != entries.get().size()) {
            return Optional.empty();
        }
        return Optional.of(
                new SequenceSpec(
                        common.name(), common.severity(), within.get(), steps, common.alerting()));
    }

    private static Optional<Step> step(FieldReader step, boolean first) {
        step.rejectUnknown(STEP_FIELDS);
        Optional<String> metric = step.metric(METRIC);
        Optional<Double> above = step.number(ABOVE, false);
        Optional<Double> below = step.number(BELOW, false);
        if (!step.has(ABOVE)
                && !step.has(BELOW)
                && !step.misspelt(ABOVE)
                && !step.misspelt(BELOW)) {
            step.error(
                    ABOVE,
                    "missing; a step needs either 'above' or 'below' (a threshold its readings"
                            + " must be strictly above or below)",
                    step.line());
        } else if (step.has(ABOVE) && step.has(BELOW)) {
            step.error(BELOW, "give either 'above' or 'below', not both", step.line(BELOW));
        }
        Optional<Integer> minEvents = step.integer(MIN_EVENTS, 1, false);
        Optional<Contiguity> contiguity = contiguity(step, first);
        Optional<Double> threshold = above.or(() -> below);
        if (metric.isEmpty() || threshold.isEmpty() || contiguity.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new Step(
                        metric.get(),
                        above.isPresent(),
                        threshold.get(),
                        minEvents.orElse(1),
                        contiguity.get()));
    }

    /** The step's contiguity; empty (and reported) when it is not one, or on the first step. */
    private static Optional<Contiguity> contiguity(FieldReader step, boolean first) {
        if (!step.has(CONTIGUITY)) {
            return Optional.of(Contiguity.FOLLOWED_BY);
        }
        Optional<String> text = step.string(CONTIGUITY, false);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (first) {
            step.error(
                    CONTIGUITY,
                    "the first step has no step before it; 'contiguity' belongs to the steps"
                            + " after it",
                    step.line(CONTIGUITY));
            return Optional.empty();
        }
        Optional<Contiguity> contiguity = Contiguity.of(text.get());
        if (contiguity.isEmpty()) {
            step.error(
                    CONTIGUITY,
                    String.format("must be %s, found \"%s\"", CONTIGUITIES, text.get()),
                    step.line(CONTIGUITY));
        }
        return contiguity;
    }
}
