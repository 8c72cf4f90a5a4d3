package io.vigil.cep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.config.AlertSettings;
import io.vigil.cep.config.FlatlineSpec;
import io.vigil.cep.config.RateSpec;
import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.testing.MiniClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every pattern type in one engine on a mini cluster, in parallel, without generic types: a state
 * or record type that needed Kryo would fail the job.
 */
class AlertPatternsITCase {

    private static final long S = 1000;
    private static final long T0 = 1_764_316_800_000L;

    /** Vibration rising faster than 1 per minute over 30 s. */
    private static final RateSpec VIBRATION_RATE =
            new RateSpec(
                    "vibration-rate",
                    "warning",
                    List.of("vibration"),
                    1.0,
                    Duration.ofMinutes(1),
                    Duration.ofSeconds(30),
                    RateSpec.Direction.RISING,
                    2,
                    AlertSettings.DEFAULTS);

    /** The same vibration value 3 times in a row. */
    private static final FlatlineSpec VIBRATION_FLAT =
            new FlatlineSpec(
                    "vibration-flat",
                    "warning",
                    List.of("vibration"),
                    0,
                    3,
                    null,
                    Duration.ofHours(1),
                    AlertSettings.DEFAULTS);

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.of(1, 2);

    @Test
    void raisesTheExpectedAlertsOnAParallelJob() throws Exception {
        List<SensorReading> readings = new ArrayList<>();
        double[] sound = {70, 90, 95, 92, 70, 88, 70};
        for (int i = 0; i < sound.length; i++) {
            readings.add(
                    new SensorReading("plant-a", "mic-07", "sound", T0 + i * S, sound[i], "dB"));
        }
        double[] temperature = {20, 21, 22, 23.5, 23.4};
        for (int i = 0; i < temperature.length; i++) {
            readings.add(
                    new SensorReading(
                            "plant-a",
                            "pump-3",
                            "temperature",
                            T0 + i * 10 * S,
                            temperature[i],
                            "°C"));
        }
        readings.add(
                new SensorReading("plant-a", "pump-3", "temperature", T0 + 200 * S, 23.0, "°C"));
        double[] vibration = {1.0, 1.0, 1.0, 3.0};
        for (int i = 0; i < vibration.length; i++) {
            readings.add(
                    new SensorReading(
                            "plant-a",
                            "press-2",
                            "vibration",
                            T0 + i * 10 * S,
                            vibration[i],
                            null));
        }

        StreamExecutionEnvironment env = MiniClusters.environment(2);
        DataStream<SensorReading> input =
                env.fromData(readings, TypeInformation.of(SensorReading.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<SensorReading>forBoundedOutOfOrderness(
                                                Duration.ofSeconds(5))
                                        .withTimestampAssigner((r, t) -> r.timestamp()));
        DataStream<Alert> alerts =
                input.keyBy(SensorReading::key, Types.STRING)
                        .transform(
                                "engine",
                                TypeInformation.of(WindowAggregate.class),
                                new PatternEngineOperator(
                                        Stream.of(
                                                        AlertPatternsTest.BURST,
                                                        AlertPatternsTest.DRIFT,
                                                        AlertPatternsTest.SILENCE,
                                                        VIBRATION_RATE,
                                                        VIBRATION_FLAT)
                                                .map(spec -> AlertPatterns.of(spec).program())
                                                .toList(),
                                        60_000,
                                        "1m",
                                        new ReadingAggregateFunction(Set.of("sound"))))
                        .getSideOutput(PatternEngineOperator.ALERTS);

        List<Alert> collected = new ArrayList<>();
        try (CloseableIterator<Alert> results = alerts.executeAndCollect()) {
            results.forEachRemaining(
                    alert -> {
                        if (alert.isFiring()) {
                            collected.add(alert);
                        }
                    });
        }

        // The end of the bounded input brings the watermark to the end of time: the gap before
        // the last reading is a silence, the end after it is not.
        assertThat(collected)
                .extracting(Alert::pattern, Alert::startedAt, Alert::endedAt, Alert::events)
                .containsExactlyInAnyOrder(
                        tuple("loud-burst", T0 + 1 * S, T0 + 3 * S, 3),
                        tuple("pump-drift", T0, T0 + 30 * S, 4),
                        tuple("pump-silent", T0 + 40 * S, T0 + 100 * S, 0),
                        tuple("vibration-rate", T0, T0 + 30 * S, 4),
                        tuple("vibration-flat", T0, T0 + 20 * S, 3));
    }
}
