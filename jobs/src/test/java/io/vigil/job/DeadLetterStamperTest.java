package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.LineProtocol;
import io.vigil.model.DeadLetter;
import io.vigil.model.RawMessage;
import io.vigil.parsing.ParseFunction;
import io.vigil.parsing.SensorMessageParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Dead letters as the job stores them: what InfluxDB identifies a point by (measurement, tags,
 * timestamp) is a function of the message, and one message yields a bounded number of them.
 */
class DeadLetterStamperTest {

    private static final String TOPIC = "sensors/plant-a/mic-07/sound";
    private static final long ARRIVAL = 1764316900000L;
    private static final int CAP = 100;

    /** A message of {@code n} empty objects, each a dead letter of its own. */
    private static RawMessage emptyObjects(int n, long arrival) {
        return RawMessage.of(
                TOPIC, "[" + String.join(",", Collections.nCopies(n, "{}")) + "]", arrival);
    }

    /** The dead-letter points of the messages, parsed and stamped as the job does. */
    private static List<InfluxDbPoint> deadLetterPoints(RawMessage... messages) throws Exception {
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (OneInputStreamOperatorTestHarness<RawMessage, ?> parse =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ParseFunction(SensorMessageParser.withDefaults()))) {
            for (RawMessage message : messages) {
                parse.processElement(message, message.arrivalTime());
            }
            for (StreamRecord<DeadLetter> r : parse.getSideOutput(ParseFunction.DEAD_LETTERS)) {
                deadLetters.add(r.getValue());
            }
        }
        List<InfluxDbPoint> points = new ArrayList<>();
        try (OneInputStreamOperatorTestHarness<DeadLetter, StampedDeadLetter> stamp =
                new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new DeadLetterStamper()))) {
            stamp.open();
            for (DeadLetter d : deadLetters) {
                stamp.processElement(d, 0);
            }
            for (StampedDeadLetter s : stamp.extractOutputValues()) {
                points.add(InfluxPoints.deadLetter(s));
            }
        }
        return points;
    }

    /** Measurement, tags and timestamp: what InfluxDB identifies a point by. */
    private static String identity(InfluxDbPoint point) {
        String line = LineProtocol.encode(point);
        return line.substring(0, line.indexOf(' ')) + line.substring(line.lastIndexOf(' '));
    }

    private static Set<String> identities(List<InfluxDbPoint> points) {
        return points.stream().map(DeadLetterStamperTest::identity).collect(Collectors.toSet());
    }

    @Test
    void capsTheDeadLettersOfOneMessageAndSummarisesTheRestWithTheirCount() throws Exception {
        List<InfluxDbPoint> points = deadLetterPoints(emptyObjects(5_000, ARRIVAL));

        assertThat(points).hasSize(CAP + 1);
        assertThat(points.subList(0, CAP))
                .allSatisfy(p -> assertThat(p.fields()).containsEntry("count", 1L));
        InfluxDbPoint summary = points.get(points.size() - 1);
        assertThat(summary.fields()).containsEntry("count", 5_000L - CAP);
        assertThat((String) summary.fields().get("detail")).contains("4900 more dead letters");
        assertThat(points.stream().mapToLong(p -> (Long) p.fields().get("count")).sum())
                .as("every element accounted for")
                .isEqualTo(5_000L);
        assertThat(identities(points)).as("none overwrites another").hasSize(points.size());
    }

    @Test
    void aMessageReceivedAgainInTheSameMillisecondRewritesTheSamePoints() throws Exception {
        RawMessage message = emptyObjects(300, ARRIVAL);
        RawMessage other = RawMessage.of(TOPIC, "[{},{\"value\":\"x\"},{}]", ARRIVAL);

        List<InfluxDbPoint> once = deadLetterPoints(message);
        List<InfluxDbPoint> twice = deadLetterPoints(message, message);
        List<InfluxDbPoint> withOther = deadLetterPoints(message, other);

        assertThat(identities(twice)).as("a replay").isEqualTo(identities(once));
        assertThat(twice.stream().map(LineProtocol::encode).collect(Collectors.toSet()))
                .isEqualTo(once.stream().map(LineProtocol::encode).collect(Collectors.toSet()));
        assertThat(identities(withOther))
                .as("another message in the same millisecond overwrites none")
                .hasSize(once.size() + 3);
    }

    @Test
    void distinctDeadLettersOfOneMillisecondDoNotShareATimestamp() throws Exception {
        List<RawMessage> messages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            messages.add(RawMessage.of(TOPIC, "{\"value\": \"bad " + i + "\"}", ARRIVAL));
        }
        List<InfluxDbPoint> points = deadLetterPoints(messages.toArray(new RawMessage[0]));

        assertThat(points).hasSize(200);
        assertThat(identities(points)).hasSize(200);
    }
}
