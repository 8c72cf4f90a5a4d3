package io.vigil.pipeline;

import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.AlertPatterns;
import io.vigil.cep.config.Durations;
import io.vigil.cep.config.ExpectedKey;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.cep.engine.PatternKeying;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.cep.live.LivePatternEngineOperator;
import io.vigil.cep.live.PatternChange;
import io.vigil.cep.live.PatternFileWatcher;
import io.vigil.cep.live.PatternSetUpdate;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.RawMessage;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import io.vigil.parsing.ParseFunction;
import io.vigil.parsing.SensorMessageParser;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
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

    private static final String DEVICE_PATTERNS = "Patterns per device";

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

    /**
     * The output streams of the pipeline; {@code patternChanges} is {@code null} unless the
     * patterns are live ({@link #apply(DataStream, DataStream, String)}).
     */
    public record Outputs(
            DataStream<WindowAggregate> aggregates,
            DataStream<Alert> alerts,
            DataStream<DeadLetter> deadLetters,
            DataStream<PatternChange> patternChanges) {}

    /** The pipeline with the pattern set it was built with, for the whole run. */
    public Outputs apply(DataStream<RawMessage> messages) {
        return apply(messages, null, null);
    }

    /**
     * The pipeline with live patterns: each {@link PatternSetUpdate} of {@code updates} (see {@link
     * PatternFileWatcher#updates}) whose hash differs from the set in force puts its set in force
     * on every subtask, without a restart; {@code initialHash} is the hash of the files this
     * pipeline's patterns were read from.
     */
    public Outputs apply(
            DataStream<RawMessage> messages,
            DataStream<PatternSetUpdate> updates,
            String initialHash) {
        if (config.getOptional(PipelineOptions.OBJECT_REUSE).orElse(true)) {
            // Every record type of the pipeline is an immutable record, and no operator of it, nor
            // a connector Vigil ships, changes an input or keeps one that its input could reuse:
            // chained operators can pass records on without a copy (the copies were 16 % of the
            // parse threads' samples in figure 2). 'pipeline.object-reuse: false' keeps them.
            messages.getExecutionEnvironment().getConfig().enableObjectReuse();
        }
        SingleOutputStreamOperator<SensorReading> parsed =
                messages.process(new ParseFunction(parser))
                        .uid("parse")
                        .name("Parse sensor messages");

        // One shuffle and one operator for everything keyed: lateness is judged there, in the
        // watermark the windows and patterns see (the smallest over all parse subtasks that are
        // not idle), then each reading goes into its window and, in event-time order, to every
        // pattern that watches it.
        Duration windowSize = config.get(SensorAnalyticsOptions.WINDOW_SIZE);
        String windowLabel = Durations.format(windowSize);
        ReadingAggregateFunction aggregate =
                new ReadingAggregateFunction(
                        new HashSet<>(config.get(SensorAnalyticsOptions.DECIBEL_METRICS)));
        KeyedStream<SensorReading, String> keyed =
                parsed.assignTimestampsAndWatermarks(
                                FleetWatermarks.strategy(
                                        config.get(SensorAnalyticsOptions.OUT_OF_ORDERNESS),
                                        config.get(SensorAnalyticsOptions.WATERMARK_QUORUM),
                                        config.get(SensorAnalyticsOptions.IDLENESS)))
                        .uid("event-time")
                        .name("Event time and watermarks")
                        .keyBy(SensorReading::key, Types.STRING);
        String name = "Windows " + windowLabel + " and patterns";
        int cacheKeys = config.get(SensorAnalyticsOptions.STATE_CACHE_KEYS);
        SingleOutputStreamOperator<WindowAggregate> aggregates;
        // Patterns across the metrics of a device (sequences) run in a second engine, keyed by
        // device, on the on-time readings the first forwards to it. Live, it is always there
        // (a sequence may be added at run time) and idle while no sequence is in force.
        SingleOutputStreamOperator<WindowAggregate> devices = null;
        if (updates == null) {
            List<PatternProgram> programs = AlertPatterns.programs(patterns, config);
            aggregates =
                    keyed.transform(
                            name,
                            TypeInformation.of(WindowAggregate.class),
                            new PatternEngineOperator(
                                            programs,
                                            patterns.expected().stream()
                                                    .map(ExpectedKey::key)
                                                    .toList(),
                                            windowSize.toMillis(),
                                            windowLabel,
                                            aggregate)
                                    .withStateCacheKeys(cacheKeys));
            aggregates.uid("analytics").name(name);
            if (programs.stream().anyMatch(p -> p.keying() == PatternKeying.DEVICE)) {
                devices =
                        byDevice(aggregates)
                                .transform(
                                        DEVICE_PATTERNS,
                                        TypeInformation.of(WindowAggregate.class),
                                        PatternEngineOperator.forDevices(programs)
                                                .withStateCacheKeys(cacheKeys));
            }
        } else {
            Configuration patternOptions = Configuration.fromMap(config.toMap());
            aggregates =
                    LiveEngine.connect(
                            keyed,
                            updates,
                            name,
                            new LivePatternEngineOperator(
                                            PatternKeying.SENSOR,
                                            patterns,
                                            initialHash,
                                            patternOptions,
                                            windowSize.toMillis(),
                                            windowLabel,
                                            aggregate)
                                    .withStateCacheKeys(cacheKeys));
            aggregates.uid("analytics").name(name);
            devices =
                    LiveEngine.connect(
                            byDevice(aggregates),
                            updates,
                            DEVICE_PATTERNS,
                            LivePatternEngineOperator.forDevices(
                                            patterns, initialHash, patternOptions)
                                    .withStateCacheKeys(cacheKeys));
        }

        DataStream<Alert> alerts = aggregates.getSideOutput(PatternEngineOperator.ALERTS);
        DataStream<DeadLetter> deadLetters =
                parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                        .union(aggregates.getSideOutput(PatternEngineOperator.LATE));
        if (devices != null) {
            devices.uid("device-patterns").name(DEVICE_PATTERNS);
            alerts = alerts.union(devices.getSideOutput(PatternEngineOperator.ALERTS));
            deadLetters = deadLetters.union(devices.getSideOutput(PatternEngineOperator.LATE));
        }
        return new Outputs(
                aggregates,
                alerts,
                deadLetters,
                updates == null
                        ? null
                        : aggregates.getSideOutput(LivePatternEngineOperator.CHANGES));
    }

    /** The readings the engine forwards to the patterns keyed by device, keyed by device. */
    private static KeyedStream<SensorReading, String> byDevice(
            SingleOutputStreamOperator<WindowAggregate> engine) {
        return engine.getSideOutput(PatternEngineOperator.DEVICE_READINGS)
                .keyBy(SensorReading::deviceKey, Types.STRING);
    }
}
