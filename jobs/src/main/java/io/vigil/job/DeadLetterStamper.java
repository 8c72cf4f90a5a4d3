package io.vigil.job;

import io.vigil.model.DeadLetter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Gives each dead letter a distinct nanosecond within its arrival millisecond, so that two dead
 * letters never share measurement, tags and timestamp in InfluxDB.
 *
 * <p>The nanosecond is {@code subtask + 1000 * n}, where {@code n} counts this subtask's dead
 * letters of that millisecond: distinct across up to 1000 parallel subtasks and 1000 dead letters
 * per subtask and millisecond. Dead letters from several upstream subtasks may interleave slightly
 * out of arrival order, so the counters of the most recent {@link #REMEMBERED_MILLIS} milliseconds
 * are kept, not only the last one. No Flink state: after a restore the arrival times are new
 * anyway. This is the one place that stamps dead letters: the points the InfluxDB sink rejects are
 * stamped here too.
 */
public class DeadLetterStamper extends RichMapFunction<DeadLetter, StampedDeadLetter> {

    private static final long serialVersionUID = 1L;

    static final int REMEMBERED_MILLIS = 4096;
    private static final int PER_MILLISECOND = 1000;

    private transient int subtask;
    private transient Map<Long, Integer> counts;

    @Override
    public void open(OpenContext openContext) {
        open(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
    }

    /**
     * Starts stamping for the given subtask, for users outside a map operator: the InfluxDB sink's
     * handler of rejected points ({@link InfluxPoints#rejectedBySink()}).
     */
    void open(int subtaskIndex) {
        subtask = subtaskIndex % PER_MILLISECOND;
        counts =
                new LinkedHashMap<>() {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
                        return size() > REMEMBERED_MILLIS;
                    }
                };
    }

    @Override
    public StampedDeadLetter map(DeadLetter deadLetter) {
        int n = counts.merge(deadLetter.arrivalTime(), 1, Integer::sum) - 1;
        return new StampedDeadLetter(deadLetter, subtask + PER_MILLISECOND * (n % PER_MILLISECOND));
    }
}
