package io.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.TestPatterns;
import io.vigil.model.RawMessage;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The pipeline lets chained operators pass records on without a copy, unless the configuration says
 * otherwise. That the results stay exact with it is what every pipeline ITCase checks.
 */
class SensorAnalyticsObjectReuseTest {

    @Test
    void thePipelineTurnsObjectReuseOn() {
        assertThat(objectReuseAfterApply(new Configuration())).isTrue();
    }

    @Test
    void anExplicitSettingIsKept() {
        Configuration config = new Configuration();
        config.set(PipelineOptions.OBJECT_REUSE, false);

        assertThat(objectReuseAfterApply(config)).isFalse();
    }

    private static boolean objectReuseAfterApply(Configuration config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThat(env.getConfig().isObjectReuseEnabled()).isFalse();
        new SensorAnalytics(config, TestPatterns.SHIPPED_DEFAULTS)
                .apply(
                        env.fromData(
                                TypeInformation.of(RawMessage.class),
                                RawMessage.of("sensors/s/d/sound", "{\"ts\":1,\"value\":1}", 0)));
        return env.getConfig().isObjectReuseEnabled();
    }
}
