package io.vigil.cep.engine;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.Quantifier;
import org.apache.flink.configuration.Configuration;

/**
 * One Flink CEP pattern, compiled to Flink CEP's own NFA, run for the current key inside a {@link
 * PatternProgram}: the same matching as {@code CEP.pattern(keyedStream, pattern)}, without the CEP
 * operator's own shuffle and event-time queue (the engine already hands over each key's events in
 * event-time order, once the watermark has passed them).
 *
 * <p>Per key it keeps the NFA's state and shared buffer in the program's state. A key with no
 * partial match keeps nothing: its NFA state is cleared, and an event that cannot begin a match
 * ({@code canStart} false) does not touch the NFA at all, which is what most events of a quiet key
 * are.
 *
 * <p>Timers: when time passing can change what the pattern reports (partial matches that time out
 * are handed to {@link Matches#timedOut}, or the pattern ends in {@code notFollowedBy} and
 * completes when its window ends), each new partial match gets an event-time timer at the end of
 * its window, as the CEP operator registers. Otherwise the end of a window changes nothing that is
 * reported: {@link #process} times out what has ended before it matches an event anyway, and the
 * timer only frees the state of a key that went quiet. Then one timer per key suffices: registered
 * a window after the key's first partial match, and again a window later while partial matches
 * remain. Such a key's state is freed at most one window later than with a timer per partial match,
 * and its timers cost one per window instead of one per event that starts a match.
 *
 * <pre>{@code
 * CepMatcher<ScoredReading> matcher =
 *         new CepMatcher<>(pattern, true, TypeInformation.of(ScoredReading.class), ScoredReading::startsRun);
 * matcher.open(context);                               // in PatternProgram#open
 * matcher.process(scored, timestamp, context, matches);  // in PatternProgram#onReading
 * matcher.advanceTime(timestamp, matches);              // in PatternProgram#onEventTime
 * matcher.close();                                      // in PatternProgram#close
 * }</pre>
 */
public final class CepMatcher<T> implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A condition an event must meet to begin a match: the begin pattern's condition. */
    @FunctionalInterface
    public interface StartCondition<T> extends Serializable {
        boolean canStart(T event);
    }

    /** Receives complete matches and, with timeout handling, partial matches that timed out. */
    public interface Matches<T> {
        void matched(Map<String, List<T>> match, long timestamp) throws Exception;

        default void timedOut(Map<String, List<T>> match, long timestamp) throws Exception {}
    }

    private final NFACompiler.NFAFactory<T> factory;
    private final AfterMatchSkipStrategy skipStrategy;
    private final TypeInformation<T> type;
    private final StartCondition<T> startCondition;
    private final String stateName;
    private final boolean timerPerPartialMatch;

    private transient NFA<T> nfa;
    private transient ValueState<NFAState> nfaState;
    private transient SharedBuffer<T> sharedBuffer;
    private transient ProgramContext context;

    /**
     * @param pattern the pattern, with {@code within} when timeouts are handled
     * @param timeoutHandling whether partial matches that time out are handed to {@link
     *     Matches#timedOut}
     * @param startCondition true for events that can begin a match (must be implied by the
     *     pattern's begin condition)
     */
    public CepMatcher(
            Pattern<T, ?> pattern,
            boolean timeoutHandling,
            TypeInformation<T> type,
            StartCondition<T> startCondition) {
        this("cep", pattern, timeoutHandling, type, startCondition);
    }

    /** A matcher whose state is named after {@code stateName}, for several in one program. */
    public CepMatcher(
            String stateName,
            Pattern<T, ?> pattern,
            boolean timeoutHandling,
            TypeInformation<T> type,
            StartCondition<T> startCondition) {
        this.stateName = stateName;
        this.factory = NFACompiler.compileFactory(pattern, timeoutHandling);
        this.skipStrategy = pattern.getAfterMatchSkipStrategy();
        this.type = type;
        this.startCondition = startCondition;
        this.timerPerPartialMatch =
                timeoutHandling
                        || pattern.getQuantifier().getConsumingStrategy()
                                == Quantifier.ConsumingStrategy.NOT_FOLLOW;
    }

    public void open(ProgramContext context) throws Exception {
        this.context = context;
        nfa = factory.createNFA();
        nfa.open(context.runtimeContext(), new Configuration());
        nfaState =
                context.state()
                        .getState(
                                new ValueStateDescriptor<>(
                                        stateName + "-nfa", new NFAStateSerializer()));
        sharedBuffer =
                new SharedBuffer<>(
                        new PrefixedStateStore(context.state(), stateName + "-"),
                        context.runtimeContext().createSerializer(type));
    }

    /**
     * Matches {@code event} at {@code timestamp}, after timing out what ends before it; events must
     * come in event-time order. Registers an event-time timer at the end of a new match's window,
     * at which the program must call {@link #advanceTime}.
     */
    public void process(T event, long timestamp, Matches<T> out) throws Exception {
        NFAState state = nfaState.value();
        boolean wasActive = state != null;
        if (state == null) {
            if (!startCondition.canStart(event)) {
                return;
            }
            state = nfa.createInitialNFAState();
        }
        Collection<Map<String, List<T>>> matches;
        try (SharedBufferAccessor<T> accessor = sharedBuffer.getAccessor()) {
            timedOut(nfa.advanceTime(accessor, state, timestamp, skipStrategy), timestamp, out);
            matches =
                    nfa.process(
                            accessor,
                            state,
                            event,
                            timestamp,
                            skipStrategy,
                            context::currentProcessingTime);
        }
        if (nfa.getWindowTime() > 0) {
            if (timerPerPartialMatch) {
                if (state.isNewStartPartialMatch()) {
                    context.registerEventTimeTimer(timestamp + nfa.getWindowTime());
                }
            } else if (!wasActive && !isIdle(state)) {
                context.registerEventTimeTimer(timestamp + nfa.getWindowTime());
            }
        }
        for (Map<String, List<T>> match : matches) {
            out.matched(match, timestamp);
        }
        store(state);
    }

    /** Times out the partial matches whose window ended at or before {@code timestamp}. */
    public void advanceTime(long timestamp, Matches<T> out) throws Exception {
        NFAState state = nfaState.value();
        if (state == null) {
            return;
        }
        try (SharedBufferAccessor<T> accessor = sharedBuffer.getAccessor()) {
            timedOut(nfa.advanceTime(accessor, state, timestamp, skipStrategy), timestamp, out);
        }
        if (!timerPerPartialMatch && nfa.getWindowTime() > 0 && !isIdle(state)) {
            // The key's one timer: partial matches remain, so look again a window later.
            context.registerEventTimeTimer(timestamp + nfa.getWindowTime());
        }
        store(state);
    }

    /**
     * Drops what the current key keeps between matches (the shared buffer's event counters), for a
     * key that went quiet; a partial match still open is kept.
     */
    public void forgetIdleKey() throws Exception {
        if (nfaState.value() != null) {
            return;
        }
        try (SharedBufferAccessor<T> accessor = sharedBuffer.getAccessor()) {
            accessor.advanceTime(Long.MAX_VALUE);
        }
    }

    /**
     * Stops the thread Flink CEP's shared buffer starts for its cache statistics (a {@link
     * java.util.Timer}, not a daemon), as the CEP operator does when it closes; without this every
     * opening of the program leaves a thread behind.
     */
    public void close() {
        if (sharedBuffer != null) {
            sharedBuffer.releaseCacheStatisticsTimer();
        }
    }

    /** True while the current key has a partial match. */
    public boolean isActive() throws Exception {
        return nfaState.value() != null;
    }

    private void timedOut(
            Tuple2<Collection<Map<String, List<T>>>, Collection<Tuple2<Map<String, List<T>>, Long>>>
                    result,
            long timestamp,
            Matches<T> out)
            throws Exception {
        // Matches that complete by time passing (e.g. a pattern ending in an optional loop).
        for (Map<String, List<T>> match : result.f0) {
            out.matched(match, timestamp);
        }
        for (Tuple2<Map<String, List<T>>, Long> partial : result.f1) {
            out.timedOut(partial.f0, partial.f1);
        }
    }

    private void store(NFAState state) throws Exception {
        if (isIdle(state)) {
            nfaState.clear();
        } else if (state.isStateChanged() || nfaState.value() == null) {
            state.resetStateChanged();
            state.resetNewStartPartialMatch();
            nfaState.update(state);
        }
    }

    /** No partial match beyond the start state: nothing is kept in the shared buffer either. */
    private static boolean isIdle(NFAState state) {
        if (!state.getCompletedMatches().isEmpty()) {
            return false;
        }
        for (ComputationState partial : state.getPartialMatches()) {
            if (partial.getPreviousBufferEntry() != null) {
                return false;
            }
        }
        return true;
    }
}
