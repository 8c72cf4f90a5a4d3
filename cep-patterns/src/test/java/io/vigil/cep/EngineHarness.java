package io.vigil.cep;

import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.cep.engine.PatternKeying;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Patterns hosted in a {@link PatternEngineOperator} (without windows) on a test harness, keyed as
 * in the job (by sensor, or by device with {@link #perDevice}): readings in, alerts out, in the
 * order the engine emits them.
 */
final class EngineHarness implements AutoCloseable {

    private final KeyedOneInputStreamOperatorTestHarness<String, SensorReading, WindowAggregate>
            harness;

    EngineHarness(AlertPattern... patterns) throws Exception {
        this(programs(patterns), List.of());
    }

    /** The programs, with the given expected keys {@code site/device/metric}. */
    EngineHarness(List<PatternProgram> programs, List<String> expected) throws Exception {
        this(
                new PatternEngineOperator(
                        programs, expected, 0, "", new ReadingAggregateFunction(Set.of())),
                PatternKeying.SENSOR);
    }

    private EngineHarness(PatternEngineOperator engine, PatternKeying keying) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(engine, keying::keyOf, Types.STRING);
        harness.open();
    }

    /** The engine keyed by device ({@code site/device}), for patterns across a device's metrics. */
    static EngineHarness perDevice(AlertPattern... patterns) throws Exception {
        return new EngineHarness(
                PatternEngineOperator.forDevices(programs(patterns)), PatternKeying.DEVICE);
    }

    private static List<PatternProgram> programs(AlertPattern... patterns) {
        return Stream.of(patterns).map(AlertPattern::program).toList();
    }

    void add(SensorReading... readings) throws Exception {
        for (SensorReading reading : readings) {
            harness.processElement(reading, reading.timestamp());
        }
    }

    void processElement(SensorReading reading, long timestamp) throws Exception {
        harness.processElement(reading, timestamp);
    }

    void watermark(long timestamp) throws Exception {
        harness.processWatermark(timestamp);
    }

    void processWatermark(long timestamp) throws Exception {
        harness.processWatermark(timestamp);
    }

    void setProcessingTime(long time) throws Exception {
        harness.setProcessingTime(time);
    }

    /** The firing events emitted so far, in order: the alerts raised (and any reminders). */
    List<Alert> alerts() {
        return events().stream().filter(Alert::isFiring).toList();
    }

    /** The resolved events emitted so far, in order. */
    List<Alert> resolved() {
        return events().stream().filter(alert -> !alert.isFiring()).toList();
    }

    /** Every alert event emitted so far, firing and resolved, in order. */
    List<Alert> events() {
        List<Alert> alerts = new ArrayList<>();
        if (harness.getSideOutput(PatternEngineOperator.ALERTS) != null) {
            for (StreamRecord<Alert> record : harness.getSideOutput(PatternEngineOperator.ALERTS)) {
                alerts.add(record.getValue());
            }
        }
        return alerts;
    }

    /** Every alert emitted so far, as the operator harness's extraction names it. */
    List<Alert> extractOutputValues() {
        return alerts();
    }

    int numKeyedStateEntries() {
        return harness.numKeyedStateEntries();
    }

    int numEventTimeTimers() {
        return harness.numEventTimeTimers();
    }

    int numProcessingTimeTimers() {
        return harness.numProcessingTimeTimers();
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
