package io.vigil.connectors.mqtt.source;

import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.check;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkAtLeast;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkBetween;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkName;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.checkQos;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.required;
import static io.vigil.connectors.mqtt.connection.MqttSettingChecks.validateConnection;

import io.vigil.connectors.mqtt.connection.MqttConnectionBuilder;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;

/**
 * Builds an {@link MqttSource}; {@link #build()} rejects bad settings with a message that names the
 * setting and the value.
 *
 * @param <T> the record type the source emits
 */
@PublicEvolving
public final class MqttSourceBuilder<T> extends MqttConnectionBuilder<MqttSourceBuilder<T>> {

    private MqttDeserializationSchema<T> deserializer;

    MqttSourceBuilder() {}

    /** Topic filters, with {@code +} and {@code #} wildcards. */
    public MqttSourceBuilder<T> setTopicFilters(String... filters) {
        return set(MqttSourceOptions.TOPIC_FILTERS, Arrays.asList(filters));
    }

    public MqttSourceBuilder<T> setQos(int qos) {
        return set(MqttSourceOptions.QOS, qos);
    }

    public MqttSourceBuilder<T> setClientIdPrefix(String prefix) {
        return set(MqttSourceOptions.CLIENT_ID_PREFIX, prefix);
    }

    public MqttSourceBuilder<T> setSharedSubscriptionGroup(String group) {
        return set(MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP, group);
    }

    public MqttSourceBuilder<T> setQueueCapacity(int capacity) {
        return set(MqttSourceOptions.QUEUE_CAPACITY, capacity);
    }

    public MqttSourceBuilder<T> setReceiveMaximum(int receiveMaximum) {
        return set(MqttSourceOptions.RECEIVE_MAXIMUM, receiveMaximum);
    }

    public MqttSourceBuilder<T> setSessionsPerReader(int sessions) {
        return set(MqttSourceOptions.SESSIONS_PER_READER, sessions);
    }

    public MqttSourceBuilder<T> setDeserializer(MqttDeserializationSchema<T> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    public MqttSource<T> build() {
        if (deserializer == null) {
            throw new IllegalArgumentException("The deserializer is not set (setDeserializer).");
        }
        Configuration conf = configuration();
        validate(conf);
        return new MqttSource<>(conf, deserializer);
    }

    static void validate(Configuration conf) {
        validateConnection(conf);
        List<String> filters = required(conf, MqttSourceOptions.TOPIC_FILTERS);
        check(!filters.isEmpty(), MqttSourceOptions.TOPIC_FILTERS, filters, "needs a filter");
        for (String filter : filters) {
            String problem = topicFilterProblem(filter);
            check(problem == null, MqttSourceOptions.TOPIC_FILTERS, filter, problem);
        }
        checkQos(conf, MqttSourceOptions.QOS);
        checkName(
                required(conf, MqttSourceOptions.CLIENT_ID_PREFIX),
                MqttSourceOptions.CLIENT_ID_PREFIX);
        conf.getOptional(MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP)
                .ifPresent(g -> checkName(g, MqttSourceOptions.SHARED_SUBSCRIPTION_GROUP));
        checkAtLeast(conf, MqttSourceOptions.QUEUE_CAPACITY, 1);
        checkBetween(conf, MqttSourceOptions.RECEIVE_MAXIMUM, 1, 65535);
        checkAtLeast(conf, MqttSourceOptions.SESSIONS_PER_READER, 1);
    }

    /** Returns why the topic filter is invalid, or null when it is valid. */
    static String topicFilterProblem(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "must not be empty";
        }
        if (filter.startsWith("$share/")) {
            return "must not be a shared subscription: the source adds $share/{group}/ itself";
        }
        if (filter.indexOf('\u0000') >= 0) {
            return "must not contain U+0000";
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return "'#' must be a whole level and the last one";
            }
            if (level.contains("+") && !level.equals("+")) {
                return "'+' must be a whole level";
            }
        }
        return null;
    }
}
