package io.vigil.connectors.mqtt.source;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * One MQTT PUBLISH as the source received it; a Flink POJO so that {@link
 * MqttDeserializationSchema#raw()} can hand it on unchanged.
 */
@PublicEvolving
public class MqttMessage {

    private String topic;
    private byte[] payload;
    private int qos;
    private boolean retained;
    private Map<String, String> userProperties;
    private long arrivalTime;

    /** For Flink's POJO serializer. */
    public MqttMessage() {
        this.topic = "";
        this.payload = new byte[0];
        this.userProperties = new LinkedHashMap<>();
    }

    public MqttMessage(
            String topic,
            byte[] payload,
            int qos,
            boolean retained,
            Map<String, String> userProperties,
            long arrivalTime) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.payload = Objects.requireNonNull(payload, "payload");
        this.qos = qos;
        this.retained = retained;
        this.userProperties = new LinkedHashMap<>(userProperties);
        this.arrivalTime = arrivalTime;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public byte[] getPayload() {
        return payload;
    }

    public void setPayload(byte[] payload) {
        this.payload = payload;
    }

    public int getQos() {
        return qos;
    }

    public void setQos(int qos) {
        this.qos = qos;
    }

    public boolean isRetained() {
        return retained;
    }

    public void setRetained(boolean retained) {
        this.retained = retained;
    }

    /**
     * MQTT 5 user properties in the order they arrived; empty for MQTT 3.1.1. A key that occurs
     * more than once keeps its last value.
     */
    public Map<String, String> getUserProperties() {
        return userProperties;
    }

    public void setUserProperties(Map<String, String> userProperties) {
        this.userProperties = userProperties;
    }

    /** Epoch milliseconds at which the source's client received the message. */
    public long getArrivalTime() {
        return arrivalTime;
    }

    public void setArrivalTime(long arrivalTime) {
        this.arrivalTime = arrivalTime;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MqttMessage)) {
            return false;
        }
        MqttMessage that = (MqttMessage) o;
        return qos == that.qos
                && retained == that.retained
                && arrivalTime == that.arrivalTime
                && Objects.equals(topic, that.topic)
                && Arrays.equals(payload, that.payload)
                && Objects.equals(userProperties, that.userProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                topic, Arrays.hashCode(payload), qos, retained, userProperties, arrivalTime);
    }

    @Override
    public String toString() {
        return "MqttMessage{topic="
                + topic
                + ", payloadBytes="
                + (payload == null ? 0 : payload.length)
                + ", qos="
                + qos
                + ", retained="
                + retained
                + ", userProperties="
                + userProperties
                + ", arrivalTime="
                + arrivalTime
                + '}';
    }
}
