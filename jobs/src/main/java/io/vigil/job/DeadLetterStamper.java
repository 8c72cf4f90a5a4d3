package io.vigil.job;

import io.vigil.model.DeadLetter;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Gives each dead letter its nanosecond within its arrival millisecond, as a function of the dead
 * letter alone, so that a dead letter written again (a replay) rewrites the same InfluxDB point and
 * two different dead letters rarely share measurement, tags and timestamp.
 *
 * <p>The nanosecond is the dead letter's {@link DeadLetter#key()} modulo 1 000 000: the parser keys
 * the dead letters of one message consecutively from a point picked by a 64-bit hash of the
 * message's topic and payload, so they never collide with each other, and two different messages on
 * the same topic with the same reason in the same millisecond collide with probability at most
 * {@code (k1 + k2) / 1 000 000} for {@code k1, k2} dead letters each (at most 101 each, see {@link
 * io.vigil.parsing.ParseFunction#MAX_DEAD_LETTERS_PER_MESSAGE}). Dead letters without a key (late
 * readings, points the sink rejected) are keyed by a hash of their content: {@code n} of them with
 * the same reason and topic in one millisecond collide with probability about {@code n^2 / 2 000
 * 000}. No state: the stamp depends on the dead letter only. This is the one place that stamps dead
 * letters: the points the InfluxDB sink rejects are stamped here too.
 */
public class DeadLetterStamper implements MapFunction<DeadLetter, StampedDeadLetter> {

    private static final long serialVersionUID = 1L;

    private static final long NANOS_PER_MILLISECOND = 1_000_000L;

    @Override
    public StampedDeadLetter map(DeadLetter deadLetter) {
        long key =
                deadLetter.key() != 0
                        ? deadLetter.key()
                        : DeadLetter.hash(
                                deadLetter.reason(),
                                deadLetter.topic(),
                                deadLetter.payload(),
                                deadLetter.detail());
        return new StampedDeadLetter(deadLetter, (int) Math.floorMod(key, NANOS_PER_MILLISECOND));
    }
}
