package io.vigil.cep;

import io.vigil.cep.engine.CepMatcher;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.SensorReading;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * {@link BurstPattern} in the engine: scores each reading of a key in event-time order (the
 * threshold in force and whether it starts a run of loud readings), then matches the scored
 * readings with the pattern's Flink CEP NFA.
 *
 * <p>The baseline is an exponentially weighted mean of the readings that were not above the
 * threshold, initialised by the key's first reading: {@code baseline += weight * (value -
 * baseline)}. Loud readings do not move it, so a burst cannot raise its own threshold. A key's
 * scoring state is one value, dropped when event time passes its last reading by the retention.
 */
final class BurstProgram implements PatternProgram {

    private static final long serialVersionUID = 1L;

    private final BurstPattern pattern;
    private final Double threshold;
    private final Double aboveBaseline;
    private final double baselineWeight;
    private final long withinMillis;
    private final long retentionMillis;
    private final CepMatcher<ScoredReading> matcher;

    private transient ValueState<BurstState> state;
    private transient CepMatcher.Matches<ScoredReading> alerts;

    BurstProgram(BurstPattern pattern, double baselineWeight, long retentionMillis) {
        this.pattern = pattern;
        this.threshold = pattern.spec.threshold();
        this.aboveBaseline = pattern.spec.aboveBaseline();
        this.baselineWeight = baselineWeight;
        this.withinMillis = pattern.spec.within().toMillis();
        this.retentionMillis = retentionMillis;
        this.matcher =
                new CepMatcher<>(
                        pattern.pattern(),
                        true,
                        TypeInformation.of(ScoredReading.class),
                        ScoredReading::startsRun);
    }

    @Override
    public String name() {
        return pattern.name();
    }

    @Override
    public String fingerprint() {
        return pattern.spec
                + ", baseline-weight="
                + baselineWeight
                + ", retention="
                + retentionMillis;
    }

    @Override
    public boolean watches(SensorReading reading) {
        return pattern.spec.appliesTo(reading.metric());
    }

    @Override
    public void open(ProgramContext context) throws Exception {
        state =
                context.state()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "burst",
                                        context.runtimeContext()
                                                .createSerializer(
                                                        TypeInformation.of(BurstState.class))));
        matcher.open(context);
        alerts =
                new CepMatcher.Matches<>() {
                    @Override
                    public void matched(Map<String, List<ScoredReading>> match, long timestamp) {
                        context.emit(pattern.alert(BurstPattern.loudReadings(match)), timestamp);
                    }

                    @Override
                    public void timedOut(Map<String, List<ScoredReading>> match, long timestamp) {
                        List<ScoredReading> loud = BurstPattern.loudReadings(match);
                        if (loud.size() >= pattern.spec.minEvents()) {
                            context.emit(pattern.alert(loud), timestamp);
                        }
                    }
                };
    }

    @Override
    public void onReading(SensorReading reading, ProgramContext context) throws Exception {
        BurstState current = state.value();
        BurstState next = current == null ? new BurstState() : current;
        double value = reading.value();
        double inForce;
        if (aboveBaseline == null) {
            inForce = threshold;
        } else {
            double base = current == null ? value : next.baseline;
            inForce = base + aboveBaseline;
            if (value <= inForce) {
                next.baseline = current == null ? value : base + baselineWeight * (value - base);
            }
        }
        boolean above = value > inForce;
        long timestamp = reading.timestamp();
        boolean startsRun =
                above
                        && (current == null
                                || !current.previousAbove
                                || timestamp - current.lastTimestamp > withinMillis);
        next.previousAbove = above;
        next.touch(timestamp, retentionMillis, context);
        state.update(next);
        matcher.process(new ScoredReading(reading, inForce, startsRun), timestamp, alerts);
    }

    @Override
    public void onEventTime(long timestamp, ProgramContext context) throws Exception {
        matcher.advanceTime(timestamp, alerts);
        RetainedKeyState.onTimer(timestamp, state, retentionMillis, matcher, context);
    }

    /** The scoring state of one key. A POJO: Flink serializes it without Kryo. */
    public static final class BurstState extends RetainedKeyState {
        public boolean previousAbove;
        public double baseline;

        public BurstState() {}
    }
}
