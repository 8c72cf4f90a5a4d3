package io.vigil.connectors.mqtt.source.split;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One MQTT session of the source: the client id {@code {prefix}-{index}} and its subscription. The
 * split carries no offsets because the broker keeps the session's unacknowledged messages.
 *
 * <p>In a checkpoint it also carries the QoS 1 messages of the session that the checkpoint holds
 * but that were not acknowledged when it was taken (packet identifier to fingerprint of topic and
 * payload): they are acknowledged only once the reader hears that the checkpoint completed, so if
 * the task dies in between, the broker sends them again to the reader restored from that very
 * checkpoint, which must not emit them a second time.
 */
@Internal
public final class MqttSubscriptionSplit implements SourceSplit {

    private final int index;
    private final Map<Integer, Long> unacknowledged;

    public MqttSubscriptionSplit(int index) {
        this(index, Map.of());
    }

    public MqttSubscriptionSplit(int index, Map<Integer, Long> unacknowledged) {
        if (index < 0) {
            throw new IllegalArgumentException("Split index must not be negative: " + index);
        }
        this.index = index;
        this.unacknowledged = Collections.unmodifiableMap(new TreeMap<>(unacknowledged));
    }

    public int index() {
        return index;
    }

    /**
     * The QoS 1 messages emitted before the checkpoint and not acknowledged when it was taken:
     * packet identifier to fingerprint.
     */
    public Map<Integer, Long> unacknowledged() {
        return unacknowledged;
    }

    public String clientId(String prefix) {
        return prefix + "-" + index;
    }

    @Override
    public String splitId() {
        return "mqtt-session-" + index;
    }

    /**
     * Splits are the same session when their indexes are: what a checkpoint adds is no identity.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof MqttSubscriptionSplit && ((MqttSubscriptionSplit) o).index == index;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(index);
    }

    @Override
    public String toString() {
        return splitId();
    }
}
