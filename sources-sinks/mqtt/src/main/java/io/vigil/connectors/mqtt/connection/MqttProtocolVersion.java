package io.vigil.connectors.mqtt.connection;

/** The MQTT protocol version the source speaks to the broker. */
public enum MqttProtocolVersion {
    /** MQTT 3.1.1: persistent session through clean session off, no user properties. */
    MQTT_3_1_1,
    /** MQTT 5: session expiry, receive maximum (flow control) and user properties. */
    MQTT_5
}
