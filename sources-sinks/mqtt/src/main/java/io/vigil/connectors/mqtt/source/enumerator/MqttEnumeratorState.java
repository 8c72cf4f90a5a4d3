package io.vigil.connectors.mqtt.source.enumerator;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.annotation.Internal;

/** The split indexes that the enumerator has handed out (and that readers now own). */
@Internal
public final class MqttEnumeratorState {

    private final Set<Integer> assignedIndexes;

    public MqttEnumeratorState(Set<Integer> assignedIndexes) {
        this.assignedIndexes = Collections.unmodifiableSet(new TreeSet<>(assignedIndexes));
    }

    public static MqttEnumeratorState empty() {
        return new MqttEnumeratorState(Set.of());
    }

    public Set<Integer> assignedIndexes() {
        return assignedIndexes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttEnumeratorState
                && ((MqttEnumeratorState) o).assignedIndexes.equals(assignedIndexes);
    }

    @Override
    public int hashCode() {
        return assignedIndexes.hashCode();
    }

    @Override
    public String toString() {
        return "MqttEnumeratorState" + assignedIndexes;
    }
}
