package io.vigil.cep;

import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.engine.CepMatcher;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.SensorReading;
import java.util.List;
import java.util.Map;
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
final class BurstProgram extends CepProgram<BurstSpec, ScoredReading, BurstProgram.BurstState> {

    private static final long serialVersionUID = 1L;

    private final BurstPattern pattern;
    private final double baselineWeight;
    private final long withinMillis;

    BurstProgram(BurstPattern pattern, double baselineWeight, long retentionMillis) {
        super(
                pattern,
                "burst",
                BurstState.class,
                retentionMillis,
                new CepMatcher<>(
                        pattern.pattern(),
                        true,
                        TypeInformation.of(ScoredReading.class),
                        ScoredReading::startsRun),
                new AlertLifecycle(
                        pattern.spec, pattern.spec.within().toMillis() + 1, pattern.spec.below()));
        this.pattern = pattern;
        this.baselineWeight = baselineWeight;
        this.withinMillis = pattern.spec.within().toMillis();
    }

    @Override
    public String fingerprint() {
        return spec + ", baseline-weight=" + baselineWeight + ", retention=" + retentionMillis;
    }

    @Override
    CepMatcher.Matches<ScoredReading> matches(ProgramContext context) {
        return new CepMatcher.Matches<>() {
            @Override
            public void matched(Map<String, List<ScoredReading>> match, long timestamp)
                    throws Exception {
                lifecycle.detected(
                        pattern.alert(BurstPattern.loudReadings(match)), timestamp, context);
            }

            @Override
            public void timedOut(Map<String, List<ScoredReading>> match, long timestamp)
                    throws Exception {
                List<ScoredReading> loud = BurstPattern.loudReadings(match);
                if (loud.size() >= pattern.spec.minEvents()) {
                    lifecycle.detected(pattern.alert(loud), timestamp, context);
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
        if (!spec.isRelativeToBaseline()) {
            inForce = spec.threshold();
        } else {
            double base = current == null ? value : next.baseline;
            inForce = spec.relativeThreshold(base);
            if (!spec.breaches(value, inForce)) {
                next.baseline = current == null ? value : base + baselineWeight * (value - base);
            }
        }
        boolean beyond = spec.breaches(value, inForce);
        long timestamp = reading.timestamp();
        boolean startsRun =
                beyond
                        && (current == null
                                || !current.previousAbove
                                || timestamp - current.lastTimestamp > withinMillis);
        next.previousAbove = beyond;
        next.touch(timestamp, retentionMillis, context);
        state.update(next);
        matcher.process(new ScoredReading(reading, inForce, beyond, startsRun), timestamp, matches);
        lifecycle.observed(reading, spec.clears(value, inForce), context);
    }

    /** The scoring state of one key. A POJO: Flink serializes it without Kryo. */
    public static final class BurstState extends RetainedKeyState {
        public boolean previousAbove;
        public double baseline;

        public BurstState() {}
    }
}
