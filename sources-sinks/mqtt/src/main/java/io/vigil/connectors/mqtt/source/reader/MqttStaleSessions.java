package io.vigil.connectors.mqtt.source.reader;

import io.vigil.connectors.mqtt.connection.MqttConnection;
import io.vigil.connectors.mqtt.connection.MqttProtocolVersion;
import io.vigil.connectors.mqtt.source.MqttSourceOptions;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the sessions {@code {prefix}-k} that a run at a higher parallelism left behind, from a
 * first index on up to the first that does not exist (a run at parallelism p had the sessions 0 to
 * p - 1). A removed session leaves the share group; whatever it had queued is gone with it.
 */
@Internal
final class MqttStaleSessions {

    private static final Logger LOG = LoggerFactory.getLogger(MqttStaleSessions.class);

    private MqttStaleSessions() {}

    /** Returns how many sessions were removed. */
    static int remove(Configuration conf, int firstStaleIndex, Optional<byte[]> password) {
        // MQTT 5: a session resumed with expiry 0 ends when this connection closes.
        Configuration once = new Configuration(conf);
        once.set(MqttSourceOptions.SESSION_EXPIRY, Duration.ZERO);
        boolean mqtt3 =
                conf.get(MqttSourceOptions.PROTOCOL_VERSION) == MqttProtocolVersion.MQTT_3_1_1;
        String prefix = conf.get(MqttSourceOptions.CLIENT_ID_PREFIX);
        int removed = 0;
        for (int index = firstStaleIndex; ; index++) {
            String clientId = new MqttSubscriptionSplit(index).clientId(prefix);
            boolean present = connectOnce(once, clientId, false, password);
            if (mqtt3) {
                // MQTT 3.1.1 keeps every session without clean session, the one just looked at too.
                connectOnce(once, clientId, true, password);
            }
            if (!present) {
                return removed;
            }
            removed++;
            LOG.warn(
                    "MQTT session {} was left behind by a run at a higher parallelism and would"
                        + " take a share of the messages; removed it (messages it had queued are"
                        + " lost)",
                    clientId);
        }
    }

    /** Connects and disconnects; returns whether the broker had a session for the client. */
    private static boolean connectOnce(
            Configuration conf, String clientId, boolean cleanStart, Optional<byte[]> password) {
        MqttConnection connection =
                new MqttConnection(
                        conf,
                        clientId,
                        "stale-session remover",
                        cleanStart,
                        conf.get(MqttSourceOptions.RECEIVE_MAXIMUM),
                        password,
                        new MqttConnection.Listener() {});
        try {
            return connection.connect();
        } finally {
            connection.close();
        }
    }
}
