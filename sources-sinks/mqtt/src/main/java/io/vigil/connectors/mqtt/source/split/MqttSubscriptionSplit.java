package io.vigil.connectors.mqtt.source.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One MQTT session of the source: the client id {@code {prefix}-{index}} and its subscription. The
 * split carries no offsets because the broker keeps the session's unacknowledged messages.
 */
@Internal
public final class MqttSubscriptionSplit implements SourceSplit {

    private final int index;

    public MqttSubscriptionSplit(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("Split index must not be negative: " + index);
        }
        this.index = index;
    }

    public int index() {
        return index;
    }

    public String clientId(String prefix) {
        return prefix + "-" + index;
    }

    @Override
    public String splitId() {
        return "mqtt-session-" + index;
    }

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
