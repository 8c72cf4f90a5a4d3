package io.vigil.connectors.mqtt.source.reader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.annotation.Internal;

/**
 * Acknowledgements the reader owes the broker: those of messages emitted since the last snapshot,
 * and those held per checkpoint until that checkpoint (or a later one) completes. Used by the
 * reader thread only.
 */
@Internal
public final class PendingAcks {

    private List<Runnable> sinceLastSnapshot = new ArrayList<>();
    private final TreeMap<Long, List<Runnable>> byCheckpoint = new TreeMap<>();
    private long count;

    /** Records the acknowledgement of a message just emitted. */
    public void add(Runnable acknowledgement) {
        sinceLastSnapshot.add(acknowledgement);
        count++;
    }

    /** Everything emitted before this snapshot belongs to the checkpoint. */
    public void snapshot(long checkpointId) {
        if (!sinceLastSnapshot.isEmpty()) {
            byCheckpoint
                    .computeIfAbsent(checkpointId, id -> new ArrayList<>())
                    .addAll(sinceLastSnapshot);
            sinceLastSnapshot = new ArrayList<>();
        }
    }

    /**
     * Runs the acknowledgements of every checkpoint up to and including this one, oldest first, and
     * returns how many ran. A checkpoint whose notification never came is covered by a later one.
     */
    public int acknowledgeUpTo(long checkpointId) {
        int acknowledged = 0;
        Iterator<Map.Entry<Long, List<Runnable>>> it =
                byCheckpoint.headMap(checkpointId, true).entrySet().iterator();
        while (it.hasNext()) {
            for (Runnable acknowledgement : it.next().getValue()) {
                acknowledgement.run();
                acknowledged++;
            }
            it.remove();
        }
        count -= acknowledged;
        return acknowledged;
    }

    /** Acknowledgements not yet sent. */
    public long size() {
        return count;
    }
}
