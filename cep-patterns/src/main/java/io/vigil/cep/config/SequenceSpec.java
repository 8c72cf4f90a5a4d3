package io.vigil.cep.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@code sequence} pattern: readings of several metrics of one device {@code (site, device)}, one
 * step after the other, from the first step's first reading to the last step's last within {@code
 * within}. Each step is {@code minEvents} consecutive readings of its metric strictly above or
 * below its threshold.
 */
public record SequenceSpec(
        String name, String severity, Duration within, List<Step> steps, AlertSettings alerting)
        implements PatternSpec {

    public static final String TYPE = "sequence";

    public SequenceSpec {
        steps = List.copyOf(steps);
    }

    /** A sequence with the default {@link AlertSettings}. */
    public SequenceSpec(String name, String severity, Duration within, List<Step> steps) {
        this(name, severity, within, steps, AlertSettings.DEFAULTS);
    }

    /** The last step, whose metric tells when the sequence's alert clears. */
    public Step lastStep() {
        return steps.get(steps.size() - 1);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The metrics of the steps, each once, in step order. */
    @Override
    public List<String> metrics() {
        return steps.stream().map(Step::metric).distinct().toList();
    }

    /**
     * One step: {@code minEvents} consecutive readings of {@code metric} (consecutive among the
     * device's readings of that metric) whose values are all strictly {@code above} or below the
     * threshold, after the step before it as {@code contiguity} says.
     */
    public record Step(
            String metric, boolean above, double threshold, int minEvents, Contiguity contiguity)
            implements Serializable {

        /** True when {@code value} meets the step's condition. */
        public boolean accepts(double value) {
            return above ? value > threshold : value < threshold;
        }
    }

    /** How a step follows the step before it. */
    public enum Contiguity {
        /** Any time later: readings of the step's metric that do not qualify may come between. */
        FOLLOWED_BY("followed-by"),
        /** The step's readings are the first readings of its metric after the step before. */
        NEXT("next");

        private final String text;

        Contiguity(String text) {
            this.text = text;
        }

        /** As pattern files write it. */
        public String text() {
            return text;
        }

        /** The contiguity pattern files write as {@code text}. */
        public static Optional<Contiguity> of(String text) {
            return Stream.of(values()).filter(c -> c.text.equals(text)).findFirst();
        }
    }
}
