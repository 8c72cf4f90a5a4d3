package io.vigil.parsing;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw MQTT messages into sensor readings, sends what cannot be read to the {@link
 * #DEAD_LETTERS} side output, and counts both.
 *
 * <p>Metrics on the operator's group: {@code readingsParsed}, {@code readingsStampedOnArrival}
 * (readings whose time comes from the arrival time), {@code deadLetters}, and per reason {@code
 * deadLetters} in the key-value group {@code reason=<code>}.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<SensorReading> readings =
 *         rawMessages
 *                 .process(new ParseFunction(SensorMessageParser.withDefaults()))
 *                 .uid("parse")
 *                 .name("parse");
 * DataStream<DeadLetter> deadLetters = readings.getSideOutput(ParseFunction.DEAD_LETTERS);
 * }</pre>
 */
public class ParseFunction extends ProcessFunction<RawMessage, SensorReading> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    public static final String READINGS_PARSED = "readingsParsed";
    public static final String READINGS_STAMPED_ON_ARRIVAL = "readingsStampedOnArrival";
    public static final String DEAD_LETTERS_METRIC = "deadLetters";
    public static final String REASON_GROUP = "reason";

    /**
     * The most dead letters one message yields; the rest become one summary dead letter with their
     * count (a 64 KiB array of empty objects would otherwise make over 20 000).
     */
    public static final int MAX_DEAD_LETTERS_PER_MESSAGE = 100;

    private static final long NANOS_PER_MILLISECOND = 1_000_000L;

    private final SensorMessageParser parser;

    private transient Counter readingsParsed;
    private transient Counter readingsStampedOnArrival;
    private transient Counter deadLetters;
    private transient MetricGroup metricGroup;
    private transient Map<String, Counter> deadLettersByReason;

    public ParseFunction(SensorMessageParser parser) {
        if (parser == null) {
            throw new IllegalArgumentException("parser must not be null");
        }
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        metricGroup = getRuntimeContext().getMetricGroup();
        readingsParsed = metricGroup.counter(READINGS_PARSED);
        readingsStampedOnArrival = metricGroup.counter(READINGS_STAMPED_ON_ARRIVAL);
        deadLetters = metricGroup.counter(DEAD_LETTERS_METRIC);
        deadLettersByReason = new HashMap<>();
        // Registered up front so that dashboards show a zero rather than no series.
        for (DeadLetterReason reason : SensorMessageParser.REASONS) {
            reasonCounter(reason.code());
        }
    }

    @Override
    public void processElement(RawMessage message, Context ctx, Collector<SensorReading> out) {
        ParseResult result = parser.parse(message);
        for (SensorReading reading : result.readings()) {
            out.collect(reading);
        }
        readingsParsed.inc(result.readings().size());
        readingsStampedOnArrival.inc(result.stampedOnArrival());
        List<DeadLetter> dead = result.deadLetters();
        if (dead.isEmpty()) {
            return;
        }
        // Keys consecutive from a point the message's content picks: distinct within a message,
        // the same when the same message is parsed again, rarely overlapping another message's.
        long first = Math.floorMod(messageHash(message), NANOS_PER_MILLISECOND) + 1;
        int kept = Math.min(dead.size(), MAX_DEAD_LETTERS_PER_MESSAGE);
        for (int i = 0; i < kept; i++) {
            ctx.output(DEAD_LETTERS, dead.get(i).withKey(first + i));
        }
        if (dead.size() > kept) {
            DeadLetter next = dead.get(kept);
            int rest = dead.size() - kept;
            ctx.output(
                    DEAD_LETTERS,
                    DeadLetter.of(
                                    next.reason(),
                                    message.topic(),
                                    message.payload(),
                                    message.arrivalTime(),
                                    "")
                            .withKey(first + kept)
                            .summarising(
                                    rest,
                                    String.format(
                                            "%d more dead letters of this message, not stored one"
                                                    + " by one; the first of them: %s",
                                            rest, next.detail())));
        }
        for (DeadLetter deadLetter : dead) {
            reasonCounter(deadLetter.reason()).inc();
        }
        deadLetters.inc(dead.size());
    }

    private static long messageHash(RawMessage message) {
        if (message == null) {
            return 0L;
        }
        // As ISO-8859-1 text, which maps every byte to one character: no two payloads hash alike.
        return DeadLetter.hashLatin1(
                message.topic(), message.payload() == null ? new byte[0] : message.payload());
    }

    private Counter reasonCounter(String reason) {
        return deadLettersByReason.computeIfAbsent(
                reason, r -> metricGroup.addGroup(REASON_GROUP, r).counter(DEAD_LETTERS_METRIC));
    }
}
