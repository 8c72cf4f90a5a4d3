package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.engine.CepMatcher;
import io.vigil.cep.engine.ProgramContext;
import org.apache.flink.api.common.state.ValueState;

/**
 * A {@link SpecProgram} that scores each reading of a key into its {@link RetainedKeyState} and
 * matches the scored readings with the pattern's Flink CEP NFA ({@link CepMatcher}); what it
 * detects goes to an {@link AlertLifecycle}. A key's state, and what the matcher keeps of it
 * between matches, is dropped when event time passes the key's last reading by the retention.
 *
 * @param <E> the scored reading the matcher takes
 * @param <T> a key's scoring state
 */
abstract class CepProgram<S extends PatternSpec, E, T extends RetainedKeyState>
        extends SpecProgram<S> {

    private static final long serialVersionUID = 1L;

    private final String stateName;
    private final Class<T> stateType;
    final long retentionMillis;
    final CepMatcher<E> matcher;
    final AlertLifecycle lifecycle;

    transient ValueState<T> state;

    /** Where the matcher's matches and timed-out partial matches go; set by {@link #open}. */
    transient CepMatcher.Matches<E> matches;

    /**
     * @param retentionMillis how long after a key's last reading its state is kept
     */
    CepProgram(
            SpecPattern<S> pattern,
            String stateName,
            Class<T> stateType,
            long retentionMillis,
            CepMatcher<E> matcher,
            AlertLifecycle lifecycle) {
        super(pattern);
        this.stateName = stateName;
        this.stateType = stateType;
        this.retentionMillis = retentionMillis;
        this.matcher = matcher;
        this.lifecycle = lifecycle;
    }

    /** Where the matcher's matches go, for the program opened with {@code context}. */
    abstract CepMatcher.Matches<E> matches(ProgramContext context);

    @Override
    public void open(ProgramContext context) throws Exception {
        state = context.valueState(stateName, stateType);
        matcher.open(context);
        lifecycle.open(context);
        matches = matches(context);
    }

    /**
     * Times out the partial matches that event time has passed, then lets the lifecycle and the
     * key's retention act on the timer.
     */
    @Override
    public final void onEventTime(long timestamp, ProgramContext context) throws Exception {
        matcher.advanceTime(timestamp, matches);
        lifecycle.onEventTime(timestamp, context);
        RetainedKeyState.onTimer(timestamp, state, retentionMillis, matcher, context);
    }

    @Override
    public final void close() {
        matcher.close();
    }
}
