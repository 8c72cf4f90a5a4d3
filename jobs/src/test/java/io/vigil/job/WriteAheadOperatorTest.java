package io.vigil.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link WriteAheadOperator}: a record reaches the sink only once a checkpoint holding it has
 * completed, and a failure at any moment neither loses one nor passes one on twice, counting what
 * the sink got before the failure and after the restore together.
 */
class WriteAheadOperatorTest {

    private static OneInputStreamOperatorTestHarness<String, String> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new WriteAheadOperator<>(StringSerializer.INSTANCE));
    }

    @Test
    void passesRecordsOnWhenTheCheckpointHoldingThemCompletes() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = harness()) {
            h.open();
            h.processElement("a", 1);
            h.processElement("b", 2);
            assertThat(h.extractOutputValues()).isEmpty();

            h.snapshot(1, 10);
            h.processElement("c", 3);
            assertThat(h.extractOutputValues()).as("checkpoint 1 not complete yet").isEmpty();

            h.notifyOfCompletedCheckpoint(1);
            assertThat(h.extractOutputValues()).containsExactly("a", "b");

            h.snapshot(2, 20);
            h.notifyOfCompletedCheckpoint(2);
            assertThat(h.extractOutputValues()).containsExactly("a", "b", "c");
        }
    }

    @Test
    void aCompletedCheckpointReleasesWhatEarlierAbortedOnesHeld() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = harness()) {
            h.open();
            h.processElement("a", 1);
            h.snapshot(1, 10); // never completes
            h.processElement("b", 2);
            h.snapshot(2, 20);
            h.processElement("c", 3);
            h.notifyOfCompletedCheckpoint(2);
            assertThat(h.extractOutputValues()).containsExactly("a", "b");
        }
    }

    /**
     * The failure the operator exists for: records after the last completed checkpoint are lost
     * with the task (the replayed input makes them again), records that checkpoint holds but the
     * sink never got are passed on after the restore.
     */
    @Test
    void aRestoreFromACompletedCheckpointPassesOnWhatItHeldOnceAndNothingThatCameAfterIt()
            throws Exception {
        OperatorSubtaskState checkpoint1;
        try (OneInputStreamOperatorTestHarness<String, String> h = harness()) {
            h.open();
            h.processElement("a", 1);
            checkpoint1 = h.snapshot(1, 10);
            h.processElement("after-1", 2);
            // The task dies before it hears that checkpoint 1 completed.
            assertThat(h.extractOutputValues()).isEmpty();
        }
        OperatorSubtaskState checkpoint2;
        try (OneInputStreamOperatorTestHarness<String, String> h = harness()) {
            h.initializeState(checkpoint1);
            h.open();
            h.processElement("replayed", 3);
            assertThat(h.extractOutputValues()).as("not in open").isEmpty();
            checkpoint2 = h.snapshot(2, 20);
            h.notifyOfCompletedCheckpoint(2);
            assertThat(h.extractOutputValues()).containsExactly("a", "replayed");
        }
        try (OneInputStreamOperatorTestHarness<String, String> h = harness()) {
            // "a" and "replayed" were passed on after checkpoint 2 was taken, so a restore from it
            // cannot know they were and passes them on again: the sink must write the same point
            // (a dead letter's point is a function of it). Nothing else comes back.
            h.initializeState(checkpoint2);
            h.open();
            h.snapshot(3, 30);
            h.notifyOfCompletedCheckpoint(3);
            assertThat(h.extractOutputValues()).containsExactly("a", "replayed");
        }
    }

    @Test
    void theEndOfABoundedInputPassesOnEverythingHeld() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = harness()) {
            h.open();
            h.processElement("a", 1);
            h.snapshot(1, 10);
            h.processElement("b", 2);
            h.getOneInputOperator().finish();
            assertThat(h.extractOutputValues()).containsExactly("a", "b");
        }
    }
}
