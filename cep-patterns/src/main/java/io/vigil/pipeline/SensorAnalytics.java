package io.vigil.pipeline;

import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.AlertPatterns;
import io.vigil.cep.config.Durations;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.parsing.ParseFunction;
import io.vigil.parsing.SensorMessageParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The body of Vigil's job: raw MQTT messages in; window aggregates, alerts and dead letters out.
 *
 * <p>Sources and sinks stay outside, so that tests drive the same pipeline with bounded sources and
 * collecting sinks:
 *
 * <pre>{@code
 * SensorAnalytics.Outputs out =
 *         new SensorAnalytics(config, PatternConfigLoader.load(Path.of("default.yaml")))
 *                 .apply(env.fromData(rawMessages, TypeInformation.of(RawMessage.class)));
 * out.aggregates().sinkTo(aggregateSink);
 * out.alerts().sinkTo(alertSink);
 * out.deadLetters().sinkTo(deadLetterSink);
 * }</pre>
 */
public class SensorAnalytics {

    private final ReadableConfig config;
    private final PatternConfig patterns;
    private final SensorMessageParser parser;

    public SensorAnalytics(ReadableConfig config, PatternConfig patterns) {
        if (patterns.patterns().isEmpty()) {
            throw new IllegalArgumentException("At least one pattern is required, got none");
        }
        this.config = config;
        this.patterns = patterns;
        this.parser = SensorMessageParser.builder().setConfig(config).build();
    }

    /** The three output streams of the pipeline. */
    public record Outputs(
            DataStream<WindowAggregate> aggregates,
            DataStream<Alert> alerts,
            DataStream<DeadLetter> deadLetters) {}

    public Outputs apply(DataStream<RawMessage> messages) {
        SingleOutputStreamOperator<SensorReading> parsed =
                messages.process(new ParseFunction(parser))
                        .uid("parse")
                        .name("Parse sensor messages");

        // One shuffle and one operator for everything keyed: lateness is judged there, in the
        // watermark the windows and patterns see (the smallest over all parse subtasks that are
        // not idle), then each reading goes into its window and, in event-time order, to every
        // pattern that watches it.
        Duration windowSize = config.get(SensorAnalyticsOptions.WINDOW_SIZE);
        List<PatternProgram> programs = new ArrayList<>();
        for (PatternSpec spec : patterns.patterns()) {
            programs.add(AlertPatterns.of(spec, config).program());
        }
        SingleOutputStreamOperator<WindowAggregate> aggregates =
                parsed.assignTimestampsAndWatermarks(
                                FleetWatermarks.strategy(
                                        config.get(SensorAnalyticsOptions.OUT_OF_ORDERNESS),
                                        config.get(SensorAnalyticsOptions.WATERMARK_QUORUM),
                                        config.get(SensorAnalyticsOptions.IDLENESS)))
                        .uid("event-time")
                        .name("Event time and watermarks")
                        .keyBy(SensorReading::key, Types.STRING)
                        .transform(
                                "Windows " + Durations.format(windowSize) + " and patterns",
                                TypeInformation.of(WindowAggregate.class),
                                new PatternEngineOperator(
                                        programs,
                                        windowSize.toMillis(),
                                        Durations.format(windowSize),
                                        new ReadingAggregateFunction(
                                                new HashSet<>(
                                                        config.get(
                                                                SensorAnalyticsOptions
                                                                        .DECIBEL_METRICS)))))
                        .uid("analytics")
                        .name("Windows " + Durations.format(windowSize) + " and patterns");

        DataStream<Alert> alerts = aggregates.getSideOutput(PatternEngineOperator.ALERTS);
        DataStream<DeadLetter> deadLetters =
                parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                        .union(aggregates.getSideOutput(PatternEngineOperator.LATE));
        return new Outputs(aggregates, alerts, deadLetters);
    }
}
