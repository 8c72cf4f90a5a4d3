package io.vigil.e2e;

import io.vigil.testing.MosquittoTestPublisher;

/**
 * Readings of a few clock devices at one event time, published to move the job's event time on
 * (past the last windows of a test's fleet, or to a moment a test needs).
 *
 * <p>Event time follows the fleet, not one device: a watermark moves only when {@code
 * analytics.watermark-quorum} (default 2) devices read by the same subtask have reached a time. So
 * the clock is five devices, and their ticks are interleaved so that shared subscriptions, which
 * deal messages round robin, give every reader several of them.
 */
public final class ClockTicks {

    /** The site of the clock devices; tests leave it out of what they compare. */
    public static final String SITE = "zz-clock";

    private static final int DEVICES = 5;
    private static final int TICKS = 4;

    private ClockTicks() {}

    /** Publishes the clock readings at {@code tick} .. {@code tick + 3} ms, QoS 1. */
    public static void publish(MosquittoTestPublisher probe, long tick) {
        for (int i = 0; i < TICKS; i++) {
            for (int device = 0; device < DEVICES; device++) {
                probe.publish(
                        "sensors/" + SITE + "/clock-" + device + "/tick",
                        String.format("{\"ts\": %d, \"value\": %d}", tick + i, i),
                        1);
            }
        }
    }
}
