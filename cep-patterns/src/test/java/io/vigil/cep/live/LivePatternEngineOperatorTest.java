package io.vigil.cep.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.TestPatterns;
import io.vigil.cep.config.BurstSpec;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.config.SequenceSpec;
import io.vigil.cep.config.SequenceSpec.Contiguity;
import io.vigil.cep.config.SequenceSpec.Step;
import io.vigil.cep.config.SilenceSpec;
import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.cep.engine.PatternKeying;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pattern sets changed while readings flow: what each change keeps, starts afresh and drops, that a
 * sequence added at run time matches across a device's metrics in the engine keyed by device, and
 * that a restore resumes with the set in force.
 */
class LivePatternEngineOperatorTest {

    private static final long S = 1000;

    @TempDir Path dir;

    private static final BurstSpec LOUD = burst("loud", 85.0);
    private static final BurstSpec VERY_LOUD = burst("very-loud", 95.0);
    private static final BurstSpec VERY_LOUD_AT_90 = burst("very-loud", 90.0);
    private static final SequenceSpec HOT_THEN_LOUD =
            new SequenceSpec(
                    "hot-then-loud",
                    "warning",
                    Duration.ofSeconds(30),
                    List.of(
                            new Step("temperature", true, 80, 1, Contiguity.FOLLOWED_BY),
                            new Step("sound", true, 95, 3, Contiguity.FOLLOWED_BY)));
    private static final SilenceSpec SILENT =
            new SilenceSpec("silent", "warning", List.of("*"), Duration.ofSeconds(30));

    @Test
    void changesTakeEffectWithoutLosingTheStateOfUnchangedPatterns() throws Exception {
        try (var harness = harness()) {
            add(harness, 96, 1, 96, 2, 70, 3);
            watermark(harness, 3 * S);
            assertThat(alerts(harness))
                    .extracting(Alert::pattern, Alert::startedAt, Alert::endedAt)
                    .containsExactlyInAnyOrder(
                            tuple("loud", 1 * S, 2 * S), tuple("very-loud", 1 * S, 2 * S));

            // A burst half seen by both patterns when the set changes.
            add(harness, 96, 4);
            watermark(harness, 4 * S);
            update(harness, "v1", LOUD, VERY_LOUD_AT_90, SILENT);
            add(harness, 96, 5, 70, 6);
            watermark(harness, 6 * S);

            assertThat(alerts(harness).subList(2, alerts(harness).size()))
                    .as(
                            "loud is unchanged and completes the burst it had half seen;"
                                    + " very-loud changed and starts afresh at 5 s, one reading")
                    .extracting(Alert::pattern, Alert::startedAt, Alert::endedAt)
                    .containsExactly(tuple("loud", 4 * S, 5 * S));

            update(harness, "broken", null);
            update(harness, "v2", VERY_LOUD_AT_90, SILENT);
            add(harness, 91, 7, 91, 8, 70, 9);
            watermark(harness, 40 * S);

            assertThat(alerts(harness).subList(3, alerts(harness).size()))
                    .as("loud removed; very-loud at 90; the added silence watches from v1 on")
                    .extracting(Alert::pattern, Alert::startedAt, Alert::endedAt)
                    .containsExactly(
                            tuple("very-loud", 7 * S, 8 * S), tuple("silent", 9 * S, 39 * S));
            assertThat(changes(harness))
                    .extracting(PatternChange::version, PatternChange::accepted, c -> c.hash())
                    .containsExactly(
                            tuple(1L, true, "v1"),
                            tuple(1L, false, "broken"),
                            tuple(2L, true, "v2"));
            assertThat(changes(harness).get(1).error()).contains("bad field");
            assertThat(changes(harness).get(2).patterns()).isEqualTo("very-loud,silent");

            watermark(harness, Long.MAX_VALUE);
            assertThat(harness.numKeyedStateEntries())
                    .as(
                            "no state left behind, the removed pattern's included, but the"
                                    + " silence alert that still fires")
                    .isOne();
        }
    }

    @Test
    void aRestoreResumesWithTheSetInForceAndItsVersion() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness()) {
            update(harness, "v1", VERY_LOUD_AT_90);
            add(harness, 91, 1);
            watermark(harness, 1 * S);
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            update(restored, "v1", VERY_LOUD_AT_90);
            add(restored, 91, 2, 70, 3);
            watermark(restored, 3 * S);

            assertThat(alerts(restored))
                    .as("the restored set, with the burst half seen before the snapshot")
                    .extracting(Alert::pattern, Alert::startedAt, Alert::endedAt)
                    .containsExactly(tuple("very-loud", 1 * S, 2 * S));
            assertThat(changes(restored)).as("the same files are no change").isEmpty();

            update(restored, "v2", LOUD);
            assertThat(changes(restored))
                    .extracting(PatternChange::version)
                    .as("versions continue from the restored one")
                    .containsExactly(2L);
        }
    }

    @Test
    void changingTheValuesOfAnOverrideRestartsOnlyTheKeysOfThatOverride() throws Exception {
        String v0 =
                """
                patterns:
                  - name: loud
                    type: burst
                    metrics: [sound]
                    threshold: 85
                    min-events: 2
                    within: 10s
                    overrides:
                      - device: mic-2
                        threshold: 90
                """;
        try (var harness = harness(TestPatterns.load(dir, v0), null)) {
            add(harness, mic("mic-1", 1, 96), mic("mic-2", 1, 96));
            watermark(harness, 1 * S);
            updateTo(harness, "v1", TestPatterns.load(dir, v0.replace("90", "92")));
            add(harness, mic("mic-1", 2, 96), mic("mic-1", 3, 70));
            add(harness, mic("mic-2", 2, 96), mic("mic-2", 3, 70));
            add(harness, mic("mic-2", 4, 91), mic("mic-2", 5, 91), mic("mic-2", 6, 70));
            watermark(harness, 10 * S);

            assertThat(alerts(harness))
                    .as(
                            "mic-1 keeps the burst it had half seen; mic-2's override changed,"
                                    + " so it starts afresh at 2 s, and 91 dB is not above 92")
                    .extracting(Alert::pattern, Alert::device, Alert::startedAt)
                    .containsExactly(tuple("loud", "mic-1", 1 * S));
        }
    }

    @Test
    void expectedKeysChangeWhileTheJobRunsAndSurviveARestore() throws Exception {
        String v0 =
                """
                patterns:
                  - name: quiet
                    type: silence
                    metrics: [sound]
                    after: 30s
                expected:
                  - plant-a/mic-8/sound
                  - plant-a/mic-9/sound
                """;
        OperatorSubtaskState snapshot;
        try (var harness = harness(TestPatterns.load(dir, v0), null)) {
            watermark(harness, 1 * S);
            updateTo(
                    harness,
                    "v1",
                    TestPatterns.load(dir, v0.replace("  - plant-a/mic-9/sound\n", "")));
            watermark(harness, 40 * S);
            assertThat(alerts(harness))
                    .as("mic-9 was removed before its time was up")
                    .extracting(Alert::device, Alert::startedAt, Alert::endedAt)
                    .containsExactly(tuple("mic-8", 1 * S, 31 * S));

            updateTo(harness, "v2", TestPatterns.load(dir, v0.replace("mic-9", "mic-7")));
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness(TestPatterns.load(dir, v0), snapshot)) {
            watermark(restored, 100 * S);

            assertThat(alerts(restored))
                    .as("mic-7 is expected from the watermark when it was added; mic-8 has alerted")
                    .extracting(Alert::device, Alert::startedAt, Alert::endedAt)
                    .containsExactly(tuple("mic-7", 40 * S, 70 * S));
        }
    }

    private static SensorReading mic(String device, long second, double value) {
        return new SensorReading("plant-a", device, "sound", second * S, value, "dB");
    }

    @Test
    void aSequenceAddedAtRunTimeMatchesAcrossTheMetricsOfADevice() throws Exception {
        try (var sensors = harness();
                var devices =
                        new KeyedTwoInputStreamOperatorTestHarness<>(
                                InstantiationUtil.clone(
                                        LivePatternEngineOperator.forDevices(
                                                new PatternConfig(List.of(LOUD, VERY_LOUD)),
                                                "v0",
                                                new Configuration())),
                                SensorReading::deviceKey,
                                (PatternSetUpdate update) -> "",
                                Types.STRING)) {
            devices.open();
            add(sensors, 96, 1);
            sensors.processElement1(temperature(2 * S, 90), 2 * S);
            watermark(sensors, 2 * S);
            assertThat(values(sensors.getSideOutput(PatternEngineOperator.DEVICE_READINGS)))
                    .as("no sequence in force: nothing for the engine keyed by device")
                    .isEmpty();

            update(sensors, "v1", LOUD, HOT_THEN_LOUD);
            update(devices, "v1", LOUD, HOT_THEN_LOUD);
            sensors.processElement1(temperature(10 * S, 90), 10 * S);
            add(sensors, 96, 11, 97, 12, 98, 13, 70, 14);
            watermark(sensors, 14 * S);
            for (StreamRecord<SensorReading> forwarded :
                    sensors.getSideOutput(PatternEngineOperator.DEVICE_READINGS)) {
                devices.processElement1(forwarded);
            }
            devices.processWatermark1(new Watermark(14 * S));

            assertThat(alerts(devices))
                    .extracting(Alert::pattern, Alert::metric, Alert::startedAt, Alert::endedAt)
                    .containsExactly(tuple("hot-then-loud", "sound", 10 * S, 13 * S));
            assertThat(alerts(sensors))
                    .extracting(Alert::pattern)
                    .as("the sensor engine hosts the bursts only")
                    .containsOnly("loud");
            assertThat(changes(sensors)).extracting(PatternChange::version).containsExactly(1L);
            assertThat(changes(devices)).as("reported once, by the sensor engine").isEmpty();
        }
    }

    private static SensorReading temperature(long timestamp, double celsius) {
        return new SensorReading("plant-a", "mic-1", "temperature", timestamp, celsius, "C");
    }

    private static BurstSpec burst(String name, double threshold) {
        return new BurstSpec(
                name, "warning", List.of("sound"), threshold, null, 2, Duration.ofSeconds(10));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, SensorReading, PatternSetUpdate, WindowAggregate>
            harness() throws Exception {
        return harness(null);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, SensorReading, PatternSetUpdate, WindowAggregate>
            harness(OperatorSubtaskState restore) throws Exception {
        return harness(new PatternConfig(List.of(LOUD, VERY_LOUD)), restore);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, SensorReading, PatternSetUpdate, WindowAggregate>
            harness(PatternConfig initial, OperatorSubtaskState restore) throws Exception {
        var harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        // Serialized as on its way to a TaskManager: transient fields are gone.
                        InstantiationUtil.clone(
                                new LivePatternEngineOperator(
                                        PatternKeying.SENSOR,
                                        initial,
                                        "v0",
                                        new Configuration(),
                                        0,
                                        "",
                                        new ReadingAggregateFunction(Set.of()))),
                        SensorReading::key,
                        (PatternSetUpdate update) -> "",
                        Types.STRING);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    private static void add(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, SensorReading, PatternSetUpdate, WindowAggregate>
                    harness,
            SensorReading... readings)
            throws Exception {
        for (SensorReading reading : readings) {
            harness.processElement1(reading, reading.timestamp());
        }
    }

    /** Readings of one microphone: value, second, value, second, ... */
    private static void add(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, SensorReading, PatternSetUpdate, WindowAggregate>
                    harness,
            double... valueAndSecond)
            throws Exception {
        for (int i = 0; i < valueAndSecond.length; i += 2) {
            long timestamp = (long) valueAndSecond[i + 1] * S;
            harness.processElement1(
                    new SensorReading(
                            "plant-a", "mic-1", "sound", timestamp, valueAndSecond[i], "dB"),
                    timestamp);
        }
    }

    private static void watermark(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, SensorReading, PatternSetUpdate, WindowAggregate>
                    harness,
            long timestamp)
            throws Exception {
        harness.processWatermark1(new Watermark(timestamp));
    }

    /** An update with the given hash that puts {@code config} in force. */
    private static void updateTo(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, SensorReading, PatternSetUpdate, WindowAggregate>
                    harness,
            String hash,
            PatternConfig config)
            throws Exception {
        harness.processElement2(
                new PatternSetUpdate(
                        hash, "test.yaml", null, InstantiationUtil.serializeObject(config)),
                0);
    }

    /** An update with the given hash: the patterns, or a validation error when none are given. */
    private static void update(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, SensorReading, PatternSetUpdate, WindowAggregate>
                    harness,
            String hash,
            PatternSpec... specs)
            throws Exception {
        if (specs == null) {
            harness.processElement2(
                    new PatternSetUpdate(hash, "test.yaml", "test.yaml: bad field", null), 0);
        } else {
            updateTo(harness, hash, new PatternConfig(List.of(specs)));
        }
    }

    private static List<Alert> alerts(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, SensorReading, PatternSetUpdate, WindowAggregate>
                    harness) {
        // The firing events: each alert as raised (the resolved events follow them).
        return values(harness.getSideOutput(PatternEngineOperator.ALERTS)).stream()
                .filter(Alert::isFiring)
                .toList();
    }

    private static List<PatternChange> changes(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, SensorReading, PatternSetUpdate, WindowAggregate>
                    harness) {
        return values(harness.getSideOutput(LivePatternEngineOperator.CHANGES));
    }

    private static <T> List<T> values(java.util.Collection<StreamRecord<T>> records) {
        List<T> values = new ArrayList<>();
        if (records != null) {
            records.forEach(record -> values.add(record.getValue()));
        }
        return values;
    }
}
