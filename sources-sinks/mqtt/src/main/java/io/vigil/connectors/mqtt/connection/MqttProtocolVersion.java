package io.vigil.connectors.mqtt.connection;

import org.apache.flink.annotation.PublicEvolving;

/** The MQTT protocol version the source and the sink speak to the broker. */
@PublicEvolving
public enum MqttProtocolVersion {
    /** MQTT 3.1.1: persistent session through clean session off, no user properties. */
    MQTT_3_1_1,
    /** MQTT 5: session expiry, receive maximum (flow control) and user properties. */
    MQTT_5
}
