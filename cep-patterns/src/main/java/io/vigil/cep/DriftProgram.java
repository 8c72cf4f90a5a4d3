package io.vigil.cep;

import io.vigil.cep.config.DriftSpec;
import io.vigil.cep.engine.CepMatcher;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.SensorReading;
import java.util.Arrays;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * {@link DriftPattern} in the engine: marks each reading of a key in event-time order (whether it
 * keeps up with its predecessor, and whether it may complete a run), then matches the marked
 * readings with the pattern's Flink CEP NFA.
 *
 * <p>The possible run starts are the readings of the current unbroken stretch (since the last
 * reading that did not keep up, inclusive) at most {@code within} earlier; their minimum comes from
 * a monotonic queue (values increasing from the oldest), so each reading costs amortised O(1). A
 * key's marking state is one value, dropped when event time passes its last reading by {@code
 * within}.
 */
final class DriftProgram extends SpecProgram<DriftSpec> {

    private static final long serialVersionUID = 1L;

    private final DriftPattern pattern;
    private final double tolerance;
    private final double minRise;
    private final long withinMillis;
    private final CepMatcher<RiseStep> matcher;
    private final AlertLifecycle lifecycle;

    private transient ValueState<DriftState> state;
    private transient CepMatcher.Matches<RiseStep> alerts;

    DriftProgram(DriftPattern pattern) {
        super(pattern);
        this.pattern = pattern;
        this.tolerance = pattern.spec.tolerance();
        this.minRise = pattern.spec.minRise();
        this.withinMillis = pattern.spec.within().toMillis();
        this.matcher =
                new CepMatcher<>(
                        pattern.pattern(), false, TypeInformation.of(RiseStep.class), step -> true);
        this.lifecycle = new AlertLifecycle(pattern.spec, withinMillis + 1, pattern.spec.falling());
    }

    @Override
    public void open(ProgramContext context) throws Exception {
        state = context.valueState("drift", DriftState.class);
        matcher.open(context);
        lifecycle.open(context);
        alerts = (match, timestamp) -> lifecycle.detected(pattern.alert(match), timestamp, context);
    }

    @Override
    public void onReading(SensorReading reading, ProgramContext context) throws Exception {
        long timestamp = reading.timestamp();
        // A falling drift is a rising one of the negated values.
        double value = pattern.spec.directed(reading.value());
        DriftState current = state.value();
        DriftState next = current == null ? new DriftState() : current;
        boolean keepsUp = current != null && value >= current.previousValue - tolerance;

        // The monotonic queue of possible run starts: times and values, oldest first.
        int from = 0;
        int to = keepsUp ? next.minimaTimes.length : 0;
        while (from < to && timestamp - next.minimaTimes[from] > withinMillis) {
            from++;
        }
        boolean mayComplete = keepsUp && from < to && value - next.minimaValues[from] >= minRise;
        while (to > from && next.minimaValues[to - 1] >= value) {
            to--;
        }
        long[] times = Arrays.copyOfRange(next.minimaTimes, from, to + 1);
        double[] values = Arrays.copyOfRange(next.minimaValues, from, to + 1);
        times[to - from] = timestamp;
        values[to - from] = value;
        next.minimaTimes = times;
        next.minimaValues = values;
        next.previousValue = value;
        next.touch(timestamp, withinMillis, context);
        state.update(next);
        matcher.process(new RiseStep(reading, keepsUp, mayComplete), timestamp, alerts);
        lifecycle.observed(reading, !keepsUp, context);
    }

    @Override
    public void onEventTime(long timestamp, ProgramContext context) throws Exception {
        matcher.advanceTime(timestamp, alerts);
        lifecycle.onEventTime(timestamp, context);
        RetainedKeyState.onTimer(timestamp, state, withinMillis, matcher, context);
    }

    @Override
    public void close() {
        matcher.close();
    }

    /** The marking state of one key. A POJO: Flink serializes it without Kryo. */
    public static final class DriftState extends RetainedKeyState {
        public double previousValue;
        public long[] minimaTimes = new long[0];
        public double[] minimaValues = new double[0];

        public DriftState() {}
    }
}
