package io.vigil.connectors.mqtt.source.reader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;
import org.apache.flink.annotation.Internal;

/**
 * How many messages each session of a reader may hand over, so that all of them together never hand
 * over more than the hand-over queue holds: a client thread that met a full queue would wait in it,
 * and with it every other HiveMQ client on that thread (the MQTT sink's among them). The capacity
 * is split evenly across the sessions; a message taken from the queue gives its credit back. Used
 * by the reader thread only.
 *
 * @param <S> the session
 */
@Internal
final class SessionCredit<S> {

    private final int capacity;
    private final long inflightLimit;
    private final ToLongFunction<S> unacknowledged;
    private final BiConsumer<S, Long> request;
    private final Map<S, long[]> granted = new LinkedHashMap<>();
    private long total;

    /**
     * @param capacity the most messages all sessions together may have asked for and not taken
     * @param inflightLimit the most messages one session may have asked for and not had
     *     acknowledged (handed over, queued or emitted): the reader stops asking while
     *     acknowledgements are pending
     * @param unacknowledged a session's messages handed over and not acknowledged yet
     * @param request asks a session for that many more messages
     */
    SessionCredit(
            int capacity,
            long inflightLimit,
            ToLongFunction<S> unacknowledged,
            BiConsumer<S, Long> request) {
        this.capacity = capacity;
        this.inflightLimit = inflightLimit;
        this.unacknowledged = unacknowledged;
        this.request = request;
    }

    /** SessionCredit without a limit on pending acknowledgements. */
    SessionCredit(int capacity, BiConsumer<S, Long> request) {
        this(capacity, Long.MAX_VALUE, session -> 0, request);
    }

    /** Acknowledgements went out: sessions held back by them may ask for more. */
    void refresh() {
        if (!granted.isEmpty()) {
            topUp(granted.keySet().iterator().next());
        }
    }

    /** Adds a session and hands out the credit that is free now. */
    void add(S session) {
        granted.putIfAbsent(session, new long[1]);
        topUp(session);
    }

    /** One message of {@code session} was taken from the queue: its credit goes out again. */
    void taken(S session) {
        long[] held = granted.get(session);
        if (held == null) {
            return;
        }
        held[0]--;
        total--;
        topUp(session);
    }

    /** Credit one session may hold: an even share, at least one message. */
    long share() {
        return Math.max(1, capacity / Math.max(1, granted.size()));
    }

    /** What a session has asked for and the reader not yet taken. */
    long granted(S session) {
        long[] held = granted.get(session);
        return held == null ? 0 : held[0];
    }

    long total() {
        return total;
    }

    /**
     * Gives free credit to the sessions below their share, starting after {@code last} so that no
     * session starves when there are more sessions than capacity. A session above its share (the
     * share shrank when sessions were added) gets nothing until it drained below it.
     */
    private void topUp(S last) {
        List<S> sessions = new ArrayList<>(granted.keySet());
        int start = sessions.indexOf(last) + 1;
        long share = share();
        for (int i = 0; i < sessions.size() && total < capacity; i++) {
            S session = sessions.get((start + i) % sessions.size());
            long[] held = granted.get(session);
            long more = Math.min(share - held[0], capacity - total);
            // Counted twice while queued (granted and handed over): errs on the safe side.
            more = Math.min(more, inflightLimit - held[0] - unacknowledged.applyAsLong(session));
            if (more > 0) {
                held[0] += more;
                total += more;
                request.accept(session, more);
            }
        }
    }
}
