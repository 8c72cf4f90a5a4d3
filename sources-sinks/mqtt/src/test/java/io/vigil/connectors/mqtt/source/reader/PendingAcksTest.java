package io.vigil.connectors.mqtt.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingAcksTest {

    private final List<String> acked = new ArrayList<>();
    private final PendingAcks pending = new PendingAcks();

    private void emit(String id) {
        pending.add(() -> acked.add(id));
    }

    @Test
    void acknowledgesNothingBeforeTheCheckpointCompletes() {
        emit("a");
        emit("b");
        pending.snapshot(1);

        assertThat(acked).isEmpty();
        assertThat(pending.size()).isEqualTo(2);

        assertThat(pending.acknowledgeUpTo(1)).isEqualTo(2);
        assertThat(acked).containsExactly("a", "b");
        assertThat(pending.size()).isZero();
    }

    @Test
    void messagesEmittedAfterTheSnapshotWaitForTheNextCheckpoint() {
        emit("a");
        pending.snapshot(1);
        emit("b");

        pending.acknowledgeUpTo(1);

        assertThat(acked).containsExactly("a");
        assertThat(pending.size()).isEqualTo(1);
        pending.snapshot(2);
        pending.acknowledgeUpTo(2);
        assertThat(acked).containsExactly("a", "b");
    }

    @Test
    void aLaterCheckpointCoversOneWhoseNotificationNeverCame() {
        emit("a");
        pending.snapshot(1);
        emit("b");
        pending.snapshot(2);
        emit("c");
        pending.snapshot(3);

        pending.acknowledgeUpTo(2);

        assertThat(acked).containsExactly("a", "b");
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void aStaleNotificationAcknowledgesNothingNewer() {
        emit("a");
        pending.snapshot(5);

        assertThat(pending.acknowledgeUpTo(4)).isZero();
        assertThat(acked).isEmpty();
        assertThat(pending.acknowledgeUpTo(5)).isEqualTo(1);
        assertThat(pending.acknowledgeUpTo(5)).isZero();
        assertThat(acked).containsExactly("a");
    }
}
