package io.vigil.cep;

import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/**
 * The two keyed operators of a CEP pattern (the annotating function, then the {@link CepOperator})
 * on test harnesses, wired as in the job: every record and watermark the first emits goes to the
 * second, in order.
 */
final class TwoStageHarness<M> implements AutoCloseable {

    private final KeyedOneInputStreamOperatorTestHarness<String, SensorReading, M> annotator;
    private final KeyedOneInputStreamOperatorTestHarness<String, M, Alert> cep;
    private final OutputTag<Alert> sideOutput;

    private TwoStageHarness(
            KeyedOneInputStreamOperatorTestHarness<String, SensorReading, M> annotator,
            KeyedOneInputStreamOperatorTestHarness<String, M, Alert> cep,
            OutputTag<Alert> sideOutput)
            throws Exception {
        this.annotator = annotator;
        this.cep = cep;
        this.sideOutput = sideOutput;
        annotator.open();
        cep.open();
    }

    static TwoStageHarness<ScoredReading> of(BurstPattern pattern) throws Exception {
        return create(
                pattern.scorer(),
                pattern.pattern(),
                pattern.function(),
                ScoredReading.class,
                ScoredReading::key,
                BurstPattern.WINDOW_CLOSED);
    }

    static TwoStageHarness<RiseStep> of(DriftPattern pattern) throws Exception {
        return create(
                pattern.stepper(),
                pattern.pattern(),
                pattern.function(),
                RiseStep.class,
                RiseStep::key,
                null);
    }

    private static <M> TwoStageHarness<M> create(
            KeyedProcessFunction<String, SensorReading, M> function,
            Pattern<M, ?> pattern,
            PatternProcessFunction<M, Alert> patternFunction,
            Class<M> type,
            KeySelector<M, String> key,
            OutputTag<Alert> sideOutput)
            throws Exception {
        CepOperator<M, String, Alert> operator =
                new CepOperator<>(
                        TypeInformation.of(type).createSerializer(new SerializerConfigImpl()),
                        false,
                        NFACompiler.compileFactory(
                                pattern, patternFunction instanceof TimedOutPartialMatchHandler),
                        null,
                        pattern.getAfterMatchSkipStrategy(),
                        patternFunction,
                        null);
        return new TwoStageHarness<>(
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(function), SensorReading::key, Types.STRING),
                new KeyedOneInputStreamOperatorTestHarness<>(operator, key, Types.STRING),
                sideOutput);
    }

    void add(SensorReading... readings) throws Exception {
        for (SensorReading reading : readings) {
            annotator.processElement(reading, reading.timestamp());
        }
        forward();
    }

    void watermark(long timestamp) throws Exception {
        annotator.processWatermark(timestamp);
        forward();
    }

    @SuppressWarnings("unchecked")
    private void forward() throws Exception {
        Object next;
        while ((next = annotator.getOutput().poll()) != null) {
            if (next instanceof StreamRecord<?> record) {
                cep.processElement((StreamRecord<M>) record);
            } else if (next instanceof Watermark watermark) {
                cep.processWatermark(watermark);
            }
        }
    }

    /** Alerts emitted so far, main output first, then the side output, each in order. */
    List<Alert> alerts() {
        List<Alert> alerts = new ArrayList<>(cep.extractOutputValues());
        if (sideOutput != null && cep.getSideOutput(sideOutput) != null) {
            cep.getSideOutput(sideOutput).forEach(record -> alerts.add(record.getValue()));
        }
        return alerts;
    }

    /** Keyed state entries of both operators together. */
    int numKeyedStateEntries() {
        return annotator.numKeyedStateEntries() + cep.numKeyedStateEntries();
    }

    int numEventTimeTimers() {
        return annotator.numEventTimeTimers() + cep.numEventTimeTimers();
    }

    @Override
    public void close() throws Exception {
        annotator.close();
        cep.close();
    }
}
