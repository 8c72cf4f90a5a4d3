package io.vigil.benchmarks;

import io.vigil.model.RawMessage;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Sequence number to message: source subtask {@code j} reads the {@code j}-th equal share of the
 * numbers, and is given every {@code parallelism}-th message from the {@code j}-th on, so that all
 * subtasks move through event time together, as readers of one broker would.
 */
abstract class DealtMessages implements MapFunction<Long, RawMessage> {
    private static final long serialVersionUID = 1L;

    private final long share;
    private final int parallelism;

    /**
     * @param messages how many sequence numbers there are (a multiple of the parallelism)
     */
    DealtMessages(long messages, int parallelism) {
        this.share = messages / parallelism;
        this.parallelism = parallelism;
    }

    @Override
    public final RawMessage map(Long sequence) {
        return message((sequence % share) * parallelism + sequence / share);
    }

    /** The message at {@code index} of the input, in event-time order. */
    abstract RawMessage message(long index);
}
