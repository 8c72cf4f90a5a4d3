package io.vigil.connectors.mqtt.source.enumerator;

import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Gives reader {@code i} the session splits {@code i + m * parallelism} for {@code m} below the
 * sessions per reader when it registers (with one session per reader: split {@code i}, so client
 * ids stay {@code {prefix}-{subtask}}); a split that comes back after a failure goes to the reader
 * of its index (or index modulo parallelism when the job now runs with fewer readers). A job that
 * starts without state first has reader 0 remove the sessions of higher indexes that an earlier run
 * left behind.
 */
@Internal
public final class MqttSplitEnumerator
        implements SplitEnumerator<MqttSubscriptionSplit, MqttEnumeratorState> {

    private final SplitEnumeratorContext<MqttSubscriptionSplit> context;
    private final int sessionsPerReader;
    private final Set<Integer> assigned;
    private final List<MqttSubscriptionSplit> returned = new ArrayList<>();
    private boolean staleSessionsToRemove;

    public MqttSplitEnumerator(
            SplitEnumeratorContext<MqttSubscriptionSplit> context,
            MqttEnumeratorState state,
            int sessionsPerReader) {
        this.context = context;
        this.sessionsPerReader = sessionsPerReader;
        this.assigned = new TreeSet<>(state.assignedIndexes());
        // Without state no reader owns a session beyond the parallelism, whatever ran before.
        this.staleSessionsToRemove = state.assignedIndexes().isEmpty();
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<MqttSubscriptionSplit> splits, int subtaskId) {
        for (MqttSubscriptionSplit split : splits) {
            assigned.remove(split.index());
            returned.add(split);
        }
        if (context.registeredReaders().containsKey(subtaskId)) {
            addReader(subtaskId);
        }
    }

    @Override
    public void addReader(int subtaskId) {
        int parallelism = context.currentParallelism();
        if (staleSessionsToRemove && subtaskId == 0) {
            // Sent before the split, so that reader 0 removes them before it starts reading.
            context.sendEventToSourceReader(
                    0, new MqttStaleSessionsEvent(parallelism * sessionsPerReader));
            staleSessionsToRemove = false;
        }
        for (Iterator<MqttSubscriptionSplit> it = returned.iterator(); it.hasNext(); ) {
            MqttSubscriptionSplit split = it.next();
            if (split.index() % parallelism == subtaskId) {
                assign(split, subtaskId);
                it.remove();
            }
        }
        for (int m = 0; m < sessionsPerReader; m++) {
            int index = subtaskId + m * parallelism;
            if (!assigned.contains(index) && !isReturned(index)) {
                assign(new MqttSubscriptionSplit(index), subtaskId);
            }
        }
    }

    private boolean isReturned(int index) {
        return returned.stream().anyMatch(split -> split.index() == index);
    }

    private void assign(MqttSubscriptionSplit split, int subtaskId) {
        context.assignSplit(split, subtaskId);
        assigned.add(split.index());
    }

    @Override
    public MqttEnumeratorState snapshotState(long checkpointId) {
        return new MqttEnumeratorState(assigned);
    }

    @Override
    public void close() {}
}
