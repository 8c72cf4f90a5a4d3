package io.vigil.parsing;

import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import java.util.HashMap;
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
        for (DeadLetter deadLetter : result.deadLetters()) {
            ctx.output(DEAD_LETTERS, deadLetter);
            reasonCounter(deadLetter.reason()).inc();
        }
        deadLetters.inc(result.deadLetters().size());
    }

    private Counter reasonCounter(String reason) {
        return deadLettersByReason.computeIfAbsent(
                reason, r -> metricGroup.addGroup(REASON_GROUP, r).counter(DEAD_LETTERS_METRIC));
    }
}
