package io.vigil.connectors.mqtt.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplit;
import io.vigil.connectors.mqtt.source.split.MqttSubscriptionSplitSerializer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.connector.testutils.source.reader.TestingSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

class MqttSplitEnumeratorTest {

    private static TestingSplitEnumeratorContext<MqttSubscriptionSplit> withReaders(
            int parallelism, int... readers) {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context =
                new TestingSplitEnumeratorContext<>(parallelism);
        for (int reader : readers) {
            context.registerReader(reader, "host");
        }
        return context;
    }

    /** An enumerator without state, to which the readers {@code added} announce themselves. */
    private static MqttSplitEnumerator started(
            TestingSplitEnumeratorContext<MqttSubscriptionSplit> context,
            int sessionsPerReader,
            int... added) {
        MqttSplitEnumerator enumerator =
                new MqttSplitEnumerator(context, MqttEnumeratorState.empty(), sessionsPerReader);
        for (int reader : added) {
            enumerator.addReader(reader);
        }
        return enumerator;
    }

    private static List<MqttSubscriptionSplit> assigned(
            TestingSplitEnumeratorContext<MqttSubscriptionSplit> context, int reader) {
        return context.getSplitAssignments().get(reader).getAssignedSplits();
    }

    private static List<MqttSubscriptionSplit> splits(int... indexes) {
        return Arrays.stream(indexes).mapToObj(MqttSubscriptionSplit::new).toList();
    }

    @Test
    void givesEachReaderTheSplitOfItsOwnIndexOnce() {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context = withReaders(2, 0, 1);
        MqttSplitEnumerator enumerator = started(context, 1, 0, 1, 1);

        assertThat(assigned(context, 0)).containsExactlyElementsOf(splits(0));
        assertThat(assigned(context, 1)).containsExactlyElementsOf(splits(1));
        assertThat(enumerator.snapshotState(1).assignedIndexes()).containsExactly(0, 1);
    }

    /**
     * Three sessions per reader at parallelism 2: reader {@code i} gets splits {@code i}, {@code i
     * + 2} and {@code i + 4}; reader 0 removes the sessions from 6 on.
     */
    @Test
    void givesEachReaderItsSessionsAndRemovesTheSessionsBeyondThem() {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context = withReaders(2, 0, 1);
        MqttSplitEnumerator enumerator = started(context, 3, 0, 1, 1);

        assertThat(assigned(context, 0)).containsExactlyElementsOf(splits(0, 2, 4));
        assertThat(assigned(context, 1)).containsExactlyElementsOf(splits(1, 3, 5));
        assertThat(context.getSentEvents())
                .containsOnlyKeys(0)
                .containsEntry(0, List.of(new MqttStaleSessionsEvent(6)));
    }

    /**
     * Two sessions per reader, scaled from 2 readers to 3: the restored splits 0 to 3 stay where
     * index modulo parallelism puts them, and each reader gets what it lacks of its own.
     */
    @Test
    void scaledOutEachReaderKeepsItsRestoredSessionsAndGetsTheMissingOnes() {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context = withReaders(3, 0, 1, 2);
        MqttSplitEnumerator enumerator =
                new MqttSplitEnumerator(context, MqttEnumeratorState.empty(), 2);
        enumerator.addSplitsBack(splits(0, 1, 2, 3), 0);

        for (int reader = 0; reader < 3; reader++) {
            enumerator.addReader(reader);
        }

        assertThat(assigned(context, 0)).containsExactlyInAnyOrderElementsOf(splits(0, 3));
        assertThat(assigned(context, 1)).containsExactlyInAnyOrderElementsOf(splits(1, 4));
        assertThat(assigned(context, 2)).containsExactlyInAnyOrderElementsOf(splits(2, 5));
    }

    @Test
    void withoutStateHasReaderZeroRemoveTheSessionsBeyondTheParallelismOnce() {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context = withReaders(2, 0, 1);
        MqttSplitEnumerator enumerator = started(context, 1, 1, 0, 0);

        assertThat(context.getSentEvents())
                .containsOnlyKeys(0)
                .containsEntry(0, List.of(new MqttStaleSessionsEvent(2)));
    }

    @Test
    void withStateRemovesNoSession() {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context = withReaders(1, 0);
        MqttSplitEnumerator enumerator =
                new MqttSplitEnumerator(context, new MqttEnumeratorState(Set.of(0, 1)), 1);

        enumerator.addReader(0);

        assertThat(context.getSentEvents()).isEmpty();
    }

    @Test
    void givesAReturnedSplitBackToItsReader() {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context =
                new TestingSplitEnumeratorContext<>(2);
        MqttSplitEnumerator enumerator =
                new MqttSplitEnumerator(context, new MqttEnumeratorState(Set.of(0, 1)), 1);

        enumerator.addSplitsBack(List.of(new MqttSubscriptionSplit(1)), 1);
        assertThat(enumerator.snapshotState(2).assignedIndexes()).containsExactly(0);
        context.registerReader(1, "host");
        enumerator.addReader(1);

        assertThat(assigned(context, 1)).containsExactlyElementsOf(splits(1));
        assertThat(enumerator.snapshotState(3).assignedIndexes()).containsExactly(0, 1);
    }

    @Test
    void givesAReturnedSplitOfARemovedSubtaskToAnExistingReader() {
        TestingSplitEnumeratorContext<MqttSubscriptionSplit> context =
                new TestingSplitEnumeratorContext<>(2);
        MqttSplitEnumerator enumerator =
                new MqttSplitEnumerator(context, new MqttEnumeratorState(Set.of(0, 1, 2)), 1);

        enumerator.addSplitsBack(List.of(new MqttSubscriptionSplit(2)), 0);
        context.registerReader(0, "host");
        enumerator.addReader(0);

        assertThat(assigned(context, 0)).containsExactlyElementsOf(splits(2));
    }

    @Test
    void serializersRoundTripAndRejectGarbage() throws Exception {
        MqttSubscriptionSplitSerializer splits = new MqttSubscriptionSplitSerializer();
        MqttEnumeratorStateSerializer states = new MqttEnumeratorStateSerializer();
        MqttEnumeratorState state = new MqttEnumeratorState(Set.of(0, 3, 7));

        MqttSubscriptionSplit split = new MqttSubscriptionSplit(5, Map.of(1, -7L, 65535, 42L));
        MqttSubscriptionSplit read = splits.deserialize(2, splits.serialize(split));
        assertThat(read.index()).isEqualTo(5);
        assertThat(read.unacknowledged()).isEqualTo(split.unacknowledged());
        assertThat(splits.deserialize(1, new byte[] {0, 0, 0, 5}))
                .as("version 1, the index alone")
                .isEqualTo(new MqttSubscriptionSplit(5));
        assertThat(states.deserialize(1, states.serialize(state))).isEqualTo(state);
        assertThatThrownBy(() -> splits.deserialize(2, new byte[4]))
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> splits.deserialize(2, new byte[] {0, 0, 0, 5, 0, 0, 0, 1}))
                .hasMessageContaining("version 2 and 8 bytes");
        assertThatThrownBy(() -> splits.deserialize(3, splits.serialize(split)))
                .hasMessageContaining("version 3");
        assertThatThrownBy(() -> states.deserialize(1, new byte[] {0, 0, 0, 5}))
                .hasMessageContaining("Truncated");
    }

    @Test
    void splitNamesTheClientIdOfItsSession() {
        assertThat(new MqttSubscriptionSplit(3).clientId("vigil")).isEqualTo("vigil-3");
        assertThat(new MqttSubscriptionSplit(3).splitId()).isEqualTo("mqtt-session-3");
    }
}
