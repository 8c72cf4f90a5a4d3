package io.vigil.cep.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The state cache over RocksDB: what a key's state holds after a write-back is what was last
 * written, whether the key's map was read one user key at a time or whole, and a key pushed out of
 * the cache is read back from RocksDB.
 */
class KeyedStateCacheTest {

    private static final MapStateDescriptor<Integer, String> MAP =
            new MapStateDescriptor<>("map", IntSerializer.INSTANCE, StringSerializer.INSTANCE);
    private static final ValueStateDescriptor<String> VALUE =
            new ValueStateDescriptor<>("value", StringSerializer.INSTANCE);

    @Test
    void aMapMissedOftenIsReadWholeOnceAndAnswersAsTheBackendWould() throws Exception {
        try (var harness = harness()) {
            StateOwner owner = (StateOwner) harness.getOperator();
            KeyedStateCache first = owner.cache(10);
            owner.setCurrentKey("a");
            for (int i = 0; i < 10; i += 2) {
                first.getMapState(MAP).put(i, "v" + i);
            }
            first.flush();

            KeyedStateCache second = owner.cache(10);
            owner.setCurrentKey("a");
            MapState<Integer, String> map = second.getMapState(MAP);
            map.remove(2);
            // Misses enough to read the map whole (odd keys are not in it) ...
            for (int i = 1; i < 2 * KeyedStateCache.MISSES_BEFORE_COMPLETE + 4; i += 2) {
                assertThat(map.get(i)).isNull();
            }
            // ... after which it still knows what was removed and what was never asked for.
            assertThat(map.get(0)).isEqualTo("v0");
            assertThat(map.get(2)).isNull();
            assertThat(map.get(8)).isEqualTo("v8");
            map.put(1, "one");
            second.flush();

            KeyedStateCache third = owner.cache(10);
            owner.setCurrentKey("a");
            assertThat(entries(third.getMapState(MAP)))
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of(0, "v0", 1, "one", 4, "v4", 6, "v6", 8, "v8"));
        }
    }

    @Test
    void aMapReadOneKeyAtATimeMergesWithTheBackendWhenIteratedAndWritesBackRemovals()
            throws Exception {
        try (var harness = harness()) {
            StateOwner owner = (StateOwner) harness.getOperator();
            KeyedStateCache first = owner.cache(10);
            owner.setCurrentKey("a");
            first.getMapState(MAP).put(1, "one");
            first.getMapState(MAP).put(2, "two");
            first.getMapState(MAP).put(3, "three");
            first.flush();

            // A cache that has never seen the key: point reads, then a whole view.
            KeyedStateCache second = owner.cache(10);
            owner.setCurrentKey("a");
            MapState<Integer, String> map = second.getMapState(MAP);
            assertThat(map.get(1)).isEqualTo("one");
            assertThat(map.contains(4)).isFalse();
            map.remove(2);
            map.put(4, "four");
            assertThat(map.isEmpty()).isFalse();
            assertThat(entries(map))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(1, "one", 3, "three", 4, "four"));
            Iterator<Integer> keys = map.keys().iterator();
            while (keys.hasNext()) {
                if (keys.next() == 3) {
                    keys.remove();
                }
            }
            second.flush();

            KeyedStateCache third = owner.cache(10);
            owner.setCurrentKey("a");
            assertThat(entries(third.getMapState(MAP)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(1, "one", 4, "four"));
            assertThat(entries(owner.backend().getMapState(MAP)))
                    .as("what RocksDB holds")
                    .containsExactlyInAnyOrderEntriesOf(Map.of(1, "one", 4, "four"));
        }
    }

    @Test
    void aClearedMapIsWrittenBackAsOnlyWhatCameAfterTheClear() throws Exception {
        try (var harness = harness()) {
            StateOwner owner = (StateOwner) harness.getOperator();
            KeyedStateCache first = owner.cache(10);
            owner.setCurrentKey("a");
            first.getMapState(MAP).put(1, "one");
            first.flush();

            KeyedStateCache second = owner.cache(10);
            owner.setCurrentKey("a");
            MapState<Integer, String> map = second.getMapState(MAP);
            map.clear();
            map.put(2, "two");
            assertThat(map.get(1)).as("cleared, not read from RocksDB again").isNull();
            second.flush();

            assertThat(entries(owner.backend().getMapState(MAP)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(2, "two"));
        }
    }

    @Test
    void aKeyPushedOutOfTheCacheIsWrittenAndReadBack() throws Exception {
        try (var harness = harness()) {
            StateOwner owner = (StateOwner) harness.getOperator();
            KeyedStateCache cache = owner.cache(1);
            ValueState<String> value = cache.getState(VALUE);
            owner.setCurrentKey("a");
            value.update("for a");
            owner.setCurrentKey("b");
            value.update("for b");

            assertThat(cache.size()).isOne();
            assertThat(owner.getCurrentKey()).as("the current key is kept").isEqualTo("b");
            owner.setCurrentKey("a");
            assertThat(owner.backend().getState(VALUE).value()).isEqualTo("for a");
            assertThat(value.value()).isEqualTo("for a");
            assertThat(cache.loads()).isEqualTo(3);
            assertThat(cache.writes()).isEqualTo(2);
        }
    }

    @Test
    void stateTheBackendNeverHeldIsNotWrittenBackWhenItEndsEmpty() throws Exception {
        try (var harness = harness()) {
            StateOwner owner = (StateOwner) harness.getOperator();
            KeyedStateCache cache = owner.cache(10);
            owner.setCurrentKey("a");
            ValueState<String> value = cache.getState(VALUE);
            MapState<Integer, String> map = cache.getMapState(MAP);
            // Read as absent, and a user key buffered and handed over before the flush, as the
            // engine does with a reading between two watermarks: no delete reaches RocksDB.
            assertThat(value.value()).isNull();
            assertThat(map.get(1)).isNull();
            map.put(1, "buffered");
            map.remove(1);
            cache.flush();
            assertThat(cache.writes()).isZero();

            value.update("held");
            map.put(2, "held");
            cache.flush();
            assertThat(cache.writes()).isEqualTo(2);
            // Held by the backend now: emptied, both are written back as deletes.
            value.clear();
            map.remove(2);
            cache.flush();
            assertThat(cache.writes()).isEqualTo(4);
            assertThat(owner.backend().getState(VALUE).value()).isNull();
            assertThat(entries(owner.backend().getMapState(MAP))).isEmpty();
        }
    }

    @Test
    void refusesStateKindsTheEngineDoesNotUse() throws Exception {
        try (var harness = harness()) {
            KeyedStateCache cache = ((StateOwner) harness.getOperator()).cache(1);
            assertThatThrownBy(
                            () -> cache.getListState(new ListStateDescriptor<>("list", Types.INT)))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("State 'list': the state cache holds only value and map state");
        }
    }

    private static <K, V> Map<K, V> entries(MapState<K, V> map) throws Exception {
        Map<K, V> copy = new HashMap<>();
        for (Map.Entry<K, V> entry : map.entries()) {
            copy.put(entry.getKey(), entry.getValue());
        }
        return copy;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness()
            throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new StateOwner(), value -> value, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
        return harness;
    }

    /** An operator that only lends its keyed state on RocksDB to the caches under test. */
    private static final class StateOwner extends AbstractStreamOperator<String>
            implements OneInputStreamOperator<String, String> {

        KeyedStateStore backend() {
            return getKeyedStateStore();
        }

        KeyedStateCache cache(int capacity) {
            return new KeyedStateCache(getKeyedStateStore(), this, capacity);
        }

        @Override
        public void processElement(StreamRecord<String> element) {}
    }
}
