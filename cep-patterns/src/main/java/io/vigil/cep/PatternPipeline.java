package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * The operators every pattern adds, each with the uid and name {@code pattern-<name>-<part>} that
 * savepoints rely on: the metric filter and key, a keyed function over the readings, and, for the
 * CEP patterns, the CEP operator on the same keys.
 */
final class PatternPipeline {

    private PatternPipeline() {}

    /** {@code pattern-<name>-<part>}: stable as long as the pattern's name stays the same. */
    static String uid(PatternSpec spec, String part) {
        return "pattern-" + spec.name() + "-" + part;
    }

    /** The readings a pattern watches, keyed by {@link SensorReading#key()}. */
    static KeyedStream<SensorReading, String> watchedReadings(
            DataStream<SensorReading> readings, PatternSpec spec) {
        String uid = uid(spec, "filter");
        return readings.filter(new MetricFilter(spec))
                .uid(uid)
                .name(uid)
                .keyBy(SensorReading::key, Types.STRING);
    }

    /** The watched readings through {@code function}, an operator with the uid of {@code part}. */
    static <T> SingleOutputStreamOperator<T> keyedStep(
            DataStream<SensorReading> readings,
            PatternSpec spec,
            String part,
            KeyedProcessFunction<String, SensorReading, T> function,
            Class<T> type) {
        String uid = uid(spec, part);
        return watchedReadings(readings, spec)
                .process(function, TypeInformation.of(type))
                .uid(uid)
                .name(uid);
    }

    /**
     * Flink CEP over the output of a {@link #keyedStep}, with the uid of part {@code cep}. The step
     * keeps the key partitioning, so CEP needs no second shuffle.
     */
    static <T> SingleOutputStreamOperator<Alert> cep(
            PatternSpec spec,
            SingleOutputStreamOperator<T> steps,
            KeySelector<T, String> key,
            Pattern<T, ?> pattern,
            PatternProcessFunction<T, Alert> function) {
        String uid = uid(spec, "cep");
        return CEP.pattern(
                        DataStreamUtils.reinterpretAsKeyedStream(steps, key, Types.STRING), pattern)
                .process(function, TypeInformation.of(Alert.class))
                .uid(uid)
                .name(uid);
    }
}
