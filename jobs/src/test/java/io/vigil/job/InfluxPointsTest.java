package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.WindowAggregate;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class InfluxPointsTest {

    @Test
    void aggregatesCarryTheContractsTagsAndFieldsAtTheWindowStart() {
        InfluxDbPoint point =
                InfluxPoints.aggregate(
                        new WindowAggregate(
                                "plant-a", "mic-07", "sound", "1m", 60_000, 120_000, 3, 50, 90, 70,
                                20, 90, 85.2));

        assertThat(point.measurement()).isEqualTo("sensor_aggregates");
        assertThat(point.tags())
                .containsExactly(
                        entry("device", "mic-07"),
                        entry("metric", "sound"),
                        entry("site", "plant-a"),
                        entry("window", "1m"));
        assertThat(point.fields())
                .containsEntry("count", 3L)
                .containsEntry("min", 50.0)
                .containsEntry("max", 90.0)
                .containsEntry("mean", 70.0)
                .containsEntry("stddev", 20.0)
                .containsEntry("last", 90.0)
                .containsEntry("leq", 85.2);
        assertThat(point.timestampMillis()).isEqualTo(60_000);
    }

    @Test
    void aggregatesWithoutLeqHaveNoLeqField() {
        InfluxDbPoint point =
                InfluxPoints.aggregate(
                        new WindowAggregate(
                                "plant-a",
                                "pump-3",
                                "temperature",
                                "1m",
                                0,
                                60_000,
                                1,
                                20,
                                20,
                                20,
                                0,
                                20,
                                Double.NaN));

        assertThat(point.fields()).doesNotContainKey("leq").containsEntry("stddev", 0.0);
    }

    @Test
    void alertsAreStampedWithTheirFirstReading() {
        InfluxDbPoint point =
                InfluxPoints.alert(
                        new Alert(
                                "sound-burst",
                                "burst",
                                "warning",
                                "plant-a",
                                "mic-07",
                                "sound",
                                1_000,
                                3_000,
                                3,
                                97.5,
                                "3 readings above 85.0 dB"));

        assertThat(point.measurement()).isEqualTo("alerts");
        assertThat(point.tags())
                .containsEntry("pattern", "sound-burst")
                .containsEntry("severity", "warning")
                .containsEntry("site", "plant-a")
                .containsEntry("device", "mic-07")
                .containsEntry("metric", "sound");
        assertThat(point.fields())
                .containsEntry("peak", 97.5)
                .containsEntry("events", 3L)
                .containsEntry("started_at", 1_000L)
                .containsEntry("ended_at", 3_000L)
                .containsEntry("message", "3 readings above 85.0 dB");
        assertThat(point.timestampMillis()).isEqualTo(1_000);
    }

    @Test
    void deadLettersOfOneMillisecondShareATimestampOnlyWhenTheyAreTheSame() throws Exception {
        DeadLetter letter = new DeadLetter("malformed-json", "sensors/a/b/c", "{", 5_000, "bad");
        try (OneInputStreamOperatorTestHarness<DeadLetter, StampedDeadLetter> harness =
                new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new DeadLetterStamper()))) {
            harness.open();
            for (int i = 0; i < 5; i++) {
                harness.processElement(
                        new DeadLetter("malformed-json", "sensors/a/b/c", "{" + i, 5_000, "bad"),
                        0);
            }
            harness.processElement(
                    new DeadLetter("malformed-json", "sensors/a/b/c", "{", 6_000, "bad"), 0);
            harness.processElement(letter, 0);
            // The same dead letter again, as after a replay: the same point, written again.
            harness.processElement(letter, 0);

            List<StampedDeadLetter> stamped = harness.extractOutputValues();
            Set<String> lines = new HashSet<>();
            for (StampedDeadLetter s : stamped) {
                InfluxDbPoint point = InfluxPoints.deadLetter(s);
                assertThat(point.tags())
                        .containsExactly(
                                entry("reason", "malformed-json"), entry("topic", "sensors/a/b/c"));
                assertThat(point.fields()).containsEntry("count", 1L);
                // Measurement, tags and timestamp: what InfluxDB identifies a point by.
                String line = LineProtocol.encode(point);
                lines.add(
                        line.substring(0, line.indexOf(' '))
                                + line.substring(line.lastIndexOf(' ')));
            }
            assertThat(stamped).hasSize(8);
            assertThat(lines).hasSize(7);
        }
    }

    @Test
    void aDeadLetterOfAnOverLongTopicKeepsItsKeyWithinInfluxDbsLimit() {
        String topic = "sensors/" + "x".repeat(70_000) + "/a/b";
        InfluxDbPoint point =
                InfluxPoints.deadLetter(
                        new DeadLetterStamper()
                                .map(new DeadLetter("bad-topic", topic, "{}", 5_000, "too long")));

        String line = LineProtocol.encode(point);
        assertThat(line.substring(0, line.indexOf(' ')).length())
                .as("InfluxDB refuses a key over 64 KiB, and with it the dead letter")
                .isLessThan(65_535);
        assertThat(point.tags().get("topic")).startsWith("sensors/xxx").hasSize(1024);
    }

    @Test
    void pointsTheSinkRejectsBecomeDeadLettersRejectedBySink() {
        InfluxDbRejectedPointHandler handler = InfluxPoints.rejectedBySink();
        handler.open(2);
        long before = System.currentTimeMillis();

        InfluxDbPoint point =
                handler.onRejected(
                        new InfluxDbRejectedPoint(
                                "sensor_aggregates",
                                "sensor_aggregates,site=a mean=\"x\" 1",
                                "partial write: field type conflict",
                                1));

        assertThat(point.measurement()).isEqualTo("dead_letters");
        assertThat(point.tags())
                .containsExactly(
                        entry("reason", "rejected-by-sink"), entry("topic", "sensor_aggregates"));
        assertThat(point.fields())
                .containsExactly(
                        java.util.Map.entry("count", 1L),
                        java.util.Map.entry("detail", "partial write: field type conflict"),
                        java.util.Map.entry("payload", "sensor_aggregates,site=a mean=\"x\" 1"));
        assertThat(point.timestampMillis()).isBetween(before, System.currentTimeMillis());
        InfluxDbRejectedPointHandler onAnotherSubtask = InfluxPoints.rejectedBySink();
        onAnotherSubtask.open(5);
        assertThat(
                        onAnotherSubtask
                                .onRejected(
                                        new InfluxDbRejectedPoint(
                                                "sensor_aggregates",
                                                "sensor_aggregates,site=a mean=\"x\" 1",
                                                "partial write: field type conflict",
                                                1))
                                .nanoOfMillisecond())
                .as("the nanosecond is a function of the rejected point")
                .isEqualTo(point.nanoOfMillisecond());
    }

    @Test
    void rejectedPointsStandingForManyKeepTheirCountAndLongTextIsCutTo1KiB() {
        InfluxDbRejectedPointHandler handler = InfluxPoints.rejectedBySink();
        handler.open(0);
        String message = "partial write: points beyond retention policy " + "é".repeat(2000);

        InfluxDbPoint point =
                handler.onRejected(new InfluxDbRejectedPoint("", message, message, 7));

        assertThat(point.fields()).containsEntry("count", 7L);
        assertThat(((String) point.fields().get("payload")).getBytes(StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(DeadLetter.MAX_PAYLOAD_BYTES);
        assertThat((String) point.fields().get("detail"))
                .startsWith("partial write: points beyond retention policy")
                .isEqualTo(point.fields().get("payload"));
    }

    @Test
    void differentRejectedPointsOfOneMillisecondNeverShareATimestamp() {
        InfluxDbRejectedPointHandler handler = InfluxPoints.rejectedBySink();
        handler.open(7);
        Set<String> timestamps = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String line =
                    LineProtocol.encode(
                            handler.onRejected(
                                    new InfluxDbRejectedPoint("t", "t x=" + i + "i 1", "e", 1)));
            timestamps.add(line.substring(line.lastIndexOf(' ') + 1));
        }
        assertThat(timestamps).hasSize(500);
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
