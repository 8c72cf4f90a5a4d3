package io.vigil.aggregation;

import io.vigil.cep.config.Durations;
import io.vigil.model.WindowAggregate;
import java.time.Duration;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a window's accumulator into a {@link WindowAggregate} carrying the key and the window. */
public class WindowAggregateFunction
        extends ProcessWindowFunction<ReadingAccumulator, WindowAggregate, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    private final String windowLabel;

    public WindowAggregateFunction(Duration windowSize) {
        this.windowLabel = Durations.format(windowSize);
    }

    @Override
    public void process(
            String key,
            Context context,
            Iterable<ReadingAccumulator> accumulators,
            Collector<WindowAggregate> out) {
        String[] parts = key.split("/", 3);
        for (ReadingAccumulator acc : accumulators) {
            TimeWindow window = context.window();
            out.collect(
                    new WindowAggregate(
                            parts[0],
                            parts[1],
                            parts[2],
                            windowLabel,
                            window.getStart(),
                            window.getEnd(),
                            acc.count,
                            acc.min,
                            acc.max,
                            acc.mean,
                            acc.stddev(),
                            acc.lastValue,
                            acc.leq()));
        }
    }
}
