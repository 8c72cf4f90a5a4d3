package io.vigil.job;

import io.vigil.connectors.influxdb.InfluxDbPoint;
import io.vigil.model.DeadLetter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Numbers the dead letters of one subtask within each millisecond ({@code seq} tag {@code
 * "<subtask>.<n>"}), so that two dead letters never share measurement, tags and timestamp.
 *
 * <p>Numbers start at 0 in every millisecond, so the tag takes few values. Dead letters from
 * several upstream subtasks may interleave slightly out of arrival order, so the counters of the
 * most recent {@link #REMEMBERED_MILLIS} milliseconds are kept, not only the last one. No Flink
 * state: after a restore the arrival times are new anyway.
 */
public class DeadLetterPoints extends RichMapFunction<DeadLetter, InfluxDbPoint> {

    private static final long serialVersionUID = 1L;

    static final int REMEMBERED_MILLIS = 4096;

    private transient int subtask;
    private transient Map<Long, Integer> nextSequence;

    @Override
    public void open(OpenContext openContext) {
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        nextSequence =
                new LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
                        return size() > REMEMBERED_MILLIS;
                    }
                };
    }

    @Override
    public InfluxDbPoint map(DeadLetter deadLetter) {
        int sequence = nextSequence.merge(deadLetter.arrivalTime(), 1, Integer::sum) - 1;
        return InfluxPoints.deadLetter(deadLetter, subtask + "." + sequence);
    }
}
