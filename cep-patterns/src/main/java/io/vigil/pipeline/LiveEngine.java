package io.vigil.pipeline;

import io.vigil.cep.live.LivePatternEngineOperator;
import io.vigil.cep.live.PatternSetUpdate;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;

/**
 * Wires the keyed readings and the broadcast pattern updates into one {@link
 * LivePatternEngineOperator}: keyed state on the readings' key, every update to every subtask.
 *
 * <p>Flink's {@code connect} offers this shape only to its own broadcast functions, which cannot
 * host timers in namespaces or Flink CEP's shared buffers; the transformation is the same one it
 * builds for them.
 */
final class LiveEngine {

    private LiveEngine() {}

    static SingleOutputStreamOperator<WindowAggregate> connect(
            KeyedStream<SensorReading, String> readings,
            DataStream<PatternSetUpdate> updates,
            String name,
            LivePatternEngineOperator operator) {
        TwoInputTransformation<SensorReading, PatternSetUpdate, WindowAggregate> transformation =
                new TwoInputTransformation<>(
                        readings.getTransformation(),
                        updates.broadcast().getTransformation(),
                        name,
                        operator,
                        TypeInformation.of(WindowAggregate.class),
                        readings.getExecutionEnvironment().getParallelism());
        transformation.setStateKeySelectors(readings.getKeySelector(), null);
        transformation.setStateKeyType(readings.getKeyType());
        readings.getExecutionEnvironment().addOperator(transformation);
        return new SingleOutputStreamOperator<>(
                readings.getExecutionEnvironment(), transformation) {};
    }
}
