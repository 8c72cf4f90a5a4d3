package io.vigil.cep.engine;

import io.vigil.model.Alert;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** What {@link PatternEngineOperator} offers one hosted {@link PatternProgram}. */
public interface ProgramContext {

    /** The program's own keyed state, scoped to the current key. */
    KeyedStateStore state();

    /** The operator's runtime context, e.g. to open CEP conditions. */
    RuntimeContext runtimeContext();

    /**
     * The program's keyed value state {@code name} of {@code type}, with the serializer Flink
     * derives for it (a POJO type is serialized without Kryo).
     */
    default <T> ValueState<T> valueState(String name, Class<T> type) {
        return state().getState(
                        new ValueStateDescriptor<>(
                                name, runtimeContext().createSerializer(TypeInformation.of(type))));
    }

    /** The current key: {@code site/device/metric}, or {@code site/device} keyed by device. */
    String currentKey();

    long currentWatermark();

    long currentProcessingTime();

    /**
     * The latest event time of any on-time reading of any key this operator subtask has received
     * since it (re)started; {@code Long.MIN_VALUE} before the first.
     */
    long latestEventTime();

    /**
     * The processing time at which this operator subtask's watermark last advanced, or at which the
     * subtask opened if it has not since: how long event time has stalled.
     */
    long eventTimeMovedAt();

    void registerEventTimeTimer(long timestamp);

    void deleteEventTimeTimer(long timestamp);

    void registerProcessingTimeTimer(long timestamp);

    void deleteProcessingTimeTimer(long timestamp);

    /** Emits an alert with the given event timestamp. */
    void emit(Alert alert, long timestamp);
}
