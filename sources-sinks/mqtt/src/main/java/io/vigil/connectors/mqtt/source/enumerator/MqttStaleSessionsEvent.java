package io.vigil.connectors.mqtt.source.enumerator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Tells reader 0 of a job that started without state to remove the sessions {@code {prefix}-k}, k
 * from {@link #firstStaleIndex()} on, that an earlier run at a higher parallelism left behind: no
 * reader owns them, yet a broker keeps them in the share group, where they take their share of the
 * messages.
 */
@Internal
public final class MqttStaleSessionsEvent implements SourceEvent {

    private static final long serialVersionUID = 1L;

    private final int firstStaleIndex;

    public MqttStaleSessionsEvent(int firstStaleIndex) {
        this.firstStaleIndex = firstStaleIndex;
    }

    public int firstStaleIndex() {
        return firstStaleIndex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MqttStaleSessionsEvent
                && ((MqttStaleSessionsEvent) o).firstStaleIndex == firstStaleIndex;
    }

    @Override
    public int hashCode() {
        return firstStaleIndex;
    }

    @Override
    public String toString() {
        return "MqttStaleSessionsEvent(from " + firstStaleIndex + ")";
    }
}
