package io.vigil.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Passes a record on only once a checkpoint that holds it has completed: the write-ahead pattern of
 * Flink's {@code GenericWriteAheadSink}, as an operator in front of an ordinary sink.
 *
 * <p>For records whose identity is not stable across a replay. A dead letter is stamped with the
 * time its message arrived; a message the broker delivers again after a failure arrives at another
 * time, so writing dead letters as they come would store those of every replayed message twice.
 * Held here, the dead letters of messages read after the last completed checkpoint are never
 * written before a failure (they are made again, with the new arrival time, when the messages are
 * read again), and those that a checkpoint covers are written once it completes; the source
 * acknowledges those messages at the same moment, so they do not come back.
 *
 * <p>The held records are this operator's state. A restore from checkpoint {@code n} finds the
 * records held at {@code n}; {@code n} completed, so they are passed on at the first checkpoint
 * completion after the restore (not in {@code open}, which may not emit). If the job fails before
 * they reach the sink they are restored again; the sink must then write the same record twice to
 * the same place (a dead letter's InfluxDB point is a function of the dead letter, so the second
 * write overwrites the first). The price: records reach the sink one checkpoint interval later. At
 * the end of a bounded input everything held is passed on.
 */
@Internal
public final class WriteAheadOperator<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T> {

    private static final long serialVersionUID = 1L;

    /**
     * Key of the records restored from a completed checkpoint: passed on at the next completion.
     */
    private static final long RESTORED = Long.MIN_VALUE;

    private final TypeSerializer<T> serializer;

    private transient ListState<T> state;

    /** Records that came after the last snapshot. */
    private transient List<T> sinceLastSnapshot;

    /** Records of each snapshot not yet known to be complete, by checkpoint id. */
    private transient NavigableMap<Long, List<T>> bySnapshot;

    public WriteAheadOperator(TypeSerializer<T> serializer) {
        this.serializer = serializer;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("write-ahead", serializer));
        sinceLastSnapshot = new ArrayList<>();
        bySnapshot = new TreeMap<>();
        if (context.isRestored()) {
            List<T> restored = new ArrayList<>();
            state.get().forEach(restored::add);
            if (!restored.isEmpty()) {
                bySnapshot.put(RESTORED, restored);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().gauge("writeAheadHeld", this::held);
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        sinceLastSnapshot.add(element.getValue());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!sinceLastSnapshot.isEmpty()) {
            bySnapshot.put(context.getCheckpointId(), sinceLastSnapshot);
            sinceLastSnapshot = new ArrayList<>();
        }
        List<T> held = new ArrayList<>();
        bySnapshot.values().forEach(held::addAll);
        state.update(held);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        // A completed checkpoint subsumes the earlier ones, including aborted ones it never heard
        // of, so everything held up to it is safe.
        NavigableMap<Long, List<T>> safe = bySnapshot.headMap(checkpointId, true);
        for (Map.Entry<Long, List<T>> entry : safe.entrySet()) {
            entry.getValue().forEach(this::emit);
        }
        safe.clear();
    }

    @Override
    public void finish() throws Exception {
        bySnapshot.values().forEach(records -> records.forEach(this::emit));
        bySnapshot.clear();
        sinceLastSnapshot.forEach(this::emit);
        sinceLastSnapshot.clear();
        super.finish();
    }

    /** Records held, not yet passed on (the gauge {@code writeAheadHeld}). */
    int held() {
        return sinceLastSnapshot.size() + bySnapshot.values().stream().mapToInt(List::size).sum();
    }

    private void emit(T record) {
        output.collect(new StreamRecord<>(record));
    }
}
