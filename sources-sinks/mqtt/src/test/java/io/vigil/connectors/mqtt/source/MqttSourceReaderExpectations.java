package io.vigil.connectors.mqtt.source;

/** Expected payload sets of the tests that publish numbered messages. */
final class MqttSourceReaderExpectations {

    private MqttSourceReaderExpectations() {}

    /** {@code prefix0 … prefix(count-1)}. */
    static String[] expected(String prefix, int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = prefix + i;
        }
        return values;
    }
}
