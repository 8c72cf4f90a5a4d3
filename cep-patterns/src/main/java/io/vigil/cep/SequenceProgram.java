package io.vigil.cep;

import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SequenceSpec.Step;
import io.vigil.cep.engine.CepMatcher;
import io.vigil.cep.engine.PatternKeying;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * {@link SequencePattern} in the engine keyed by device: scores each reading of a device in
 * event-time order (its position, and the run of each step it completes), matches the scored
 * readings with the pattern's Flink CEP NFA, and raises an alert for each match that begins after
 * the last one.
 *
 * <p>A device's scoring state is one value: the next position, the last match's last position and,
 * per step, a ring of its latest qualifying readings; it is dropped when event time passes the
 * device's last reading by {@code within} (a run with a reading from before such a gap spans more
 * than {@code within} and can be in no match).
 */
final class SequenceProgram
        extends CepProgram<SequenceSpec, SequenceEvent, SequenceProgram.SequenceState> {

    private static final long serialVersionUID = 1L;

    private final SequencePattern pattern;
    private final Step[] steps;
    private final int[] ringOffsets;
    private final int ringSize;

    private transient List<Map<String, List<SequenceEvent>>> completed;

    SequenceProgram(SequencePattern pattern) {
        super(
                pattern,
                "sequence",
                SequenceState.class,
                retention(pattern),
                new CepMatcher<>(
                        pattern.pattern(),
                        false,
                        TypeInformation.of(SequenceEvent.class),
                        SequenceEvent::startsMatch),
                // A match is reported at the reading that completes it, at most within after its
                // start. Its peak is the lowest value when the last step is below its threshold.
                new AlertLifecycle(pattern.spec, retention(pattern), !lastStep(pattern).above()));
        this.pattern = pattern;
        this.steps = pattern.spec.steps().toArray(new Step[0]);
        this.ringOffsets = new int[steps.length];
        int size = 0;
        for (int i = 0; i < steps.length; i++) {
            ringOffsets[i] = size;
            size += steps[i].minEvents();
        }
        this.ringSize = size;
    }

    /** A device's state is kept for {@code within} after its last reading. */
    private static long retention(SequencePattern pattern) {
        return pattern.spec.within().toMillis() + 1;
    }

    private static Step lastStep(SequencePattern pattern) {
        List<Step> steps = pattern.spec.steps();
        return steps.get(steps.size() - 1);
    }

    @Override
    public PatternKeying keying() {
        return PatternKeying.DEVICE;
    }

    @Override
    public void open(ProgramContext context) throws Exception {
        completed = new ArrayList<>();
        super.open(context);
    }

    /**
     * Collects the completed matches for {@link #alert}; time passing only times out partial
     * matches, none completes by it (the pattern ends in a step).
     */
    @Override
    CepMatcher.Matches<SequenceEvent> matches(ProgramContext context) {
        return (match, timestamp) -> completed.add(match);
    }

    @Override
    public void onReading(SensorReading reading, ProgramContext context) throws Exception {
        SequenceState current = state.value();
        SequenceState next =
                current == null ? SequenceState.empty(steps.length, ringSize) : current;
        long position = next.nextPosition++;
        long[] runStarts = new long[steps.length];
        long[] runStartTimes = new long[steps.length];
        double[] runPeaks = new double[steps.length];
        Arrays.fill(runStarts, -1);
        for (int i = 0; i < steps.length; i++) {
            if (steps[i].metric().equals(reading.metric())) {
                score(next, i, reading, position, runStarts, runStartTimes, runPeaks);
            }
        }
        long timestamp = reading.timestamp();
        next.touch(timestamp, retentionMillis, context);
        boolean startsMatch = runStarts[0] > next.restartAfter;
        matcher.process(
                new SequenceEvent(
                        reading, position, runStarts, runStartTimes, runPeaks, startsMatch),
                timestamp,
                matches);
        alert(next, timestamp, context);
        state.update(next);
        // Only readings of the last step's metric tell whether the condition still holds.
        Step last = steps[steps.length - 1];
        if (last.metric().equals(reading.metric())) {
            lifecycle.observed(reading, !last.accepts(reading.value()), context);
        }
    }

    /** Adds {@code reading} to step {@code i}'s ring; fills in the run when it completes one. */
    private void score(
            SequenceState device,
            int i,
            SensorReading reading,
            long position,
            long[] runStarts,
            long[] runStartTimes,
            double[] runPeaks) {
        int k = steps[i].minEvents();
        if (!steps[i].accepts(reading.value())) {
            device.runLengths[i] = 0;
            device.ringHeads[i] = 0;
            return;
        }
        int slot = ringOffsets[i] + device.ringHeads[i];
        device.ringPositions[slot] = position;
        device.ringTimes[slot] = reading.timestamp();
        device.ringValues[slot] = reading.value();
        device.ringHeads[i] = (device.ringHeads[i] + 1) % k;
        device.runLengths[i] = Math.min(device.runLengths[i] + 1, k);
        if (device.runLengths[i] == k) {
            // The ring is full: its head is the oldest of the run.
            int oldest = ringOffsets[i] + device.ringHeads[i];
            runStarts[i] = device.ringPositions[oldest];
            runStartTimes[i] = device.ringTimes[oldest];
            // The run's most extreme value: its largest above the threshold, its lowest below.
            boolean above = steps[i].above();
            double peak = above ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (int j = ringOffsets[i]; j < ringOffsets[i] + k; j++) {
                double value = device.ringValues[j];
                peak = above ? Math.max(peak, value) : Math.min(peak, value);
            }
            runPeaks[i] = peak;
        }
    }

    /**
     * Raises the alert of the matches CEP completed, in the order of their first reading: each that
     * begins after the last match is one, and moves the restart past its last reading.
     */
    private void alert(SequenceState device, long timestamp, ProgramContext context)
            throws Exception {
        if (completed.isEmpty()) {
            return;
        }
        String first = SequencePattern.stepName(0);
        String last = SequencePattern.stepName(steps.length - 1);
        completed.sort(Comparator.comparingLong(match -> match.get(first).get(0).runStarts()[0]));
        for (Map<String, List<SequenceEvent>> match : completed) {
            SequenceEvent start = match.get(first).get(0);
            SequenceEvent end = match.get(last).get(0);
            if (start.runStarts()[0] > device.restartAfter) {
                lifecycle.detected(pattern.alert(start, end), timestamp, context);
                device.restartAfter = end.position();
            }
        }
        completed.clear();
    }

    /** The scoring state of one device. A POJO: Flink serializes it without Kryo. */
    public static final class SequenceState extends RetainedKeyState {
        public long nextPosition;
        public long restartAfter = -1;
        public int[] runLengths;
        public int[] ringHeads;
        public long[] ringPositions;
        public long[] ringTimes;
        public double[] ringValues;

        public SequenceState() {}

        static SequenceState empty(int steps, int ringSize) {
            SequenceState state = new SequenceState();
            state.runLengths = new int[steps];
            state.ringHeads = new int[steps];
            state.ringPositions = new long[ringSize];
            state.ringTimes = new long[ringSize];
            state.ringValues = new double[ringSize];
            return state;
        }
    }
}
