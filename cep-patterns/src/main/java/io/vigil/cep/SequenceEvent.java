package io.vigil.cep;

import io.vigil.model.SensorReading;

/**
 * A reading of a device with what a sequence pattern needs to know about it, computed in event-time
 * order before CEP so that the pattern's conditions look at one event (and the steps before it).
 *
 * <p>A step's <em>run</em> is the step's {@code min-events} latest readings of its metric when they
 * are consecutive among the device's readings of that metric and all meet the step's condition;
 * this reading <em>completes</em> it when it is the last of them.
 *
 * @param reading the reading
 * @param position the reading's place in the device's event-time order of the readings the pattern
 *     watches, counted from 0
 * @param runStarts per step, the position of the first reading of the run this reading completes,
 *     or -1 when it completes none
 * @param runStartTimes per step, the event time of that first reading
 * @param runPeaks per step, the largest value of that run
 * @param startsMatch true when this reading completes a run of the first step that begins after the
 *     last match
 */
public record SequenceEvent(
        SensorReading reading,
        long position,
        long[] runStarts,
        long[] runStartTimes,
        double[] runPeaks,
        boolean startsMatch) {

    /** True when this reading completes a run of step {@code step} (counted from 0). */
    public boolean completes(int step) {
        return runStarts[step] >= 0;
    }
}
