package io.vigil.cep.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * A write-back cache, on the heap, of the engine's keyed value and map state, for a state backend
 * that serializes on every access (RocksDB): the keys used most recently keep their state as
 * objects, and the backend is written only when a key leaves the cache and before every checkpoint
 * ({@link #flush}), instead of a read and a write per state per reading.
 *
 * <p>While a key is cached its state behaves as on the heap backend: the engine and Flink CEP read
 * and change the same objects. Every state read or written since the last flush is written back (a
 * value read may have been changed in place, as the heap backend allows), except one the backend
 * does not hold that is still empty, so what reaches the backend at a checkpoint is exactly what
 * the heap backend would have held, with no delete of what was never there. Nothing is lost on a
 * failure that the checkpoint would not also lose: the cache is rebuilt from the restored backend.
 *
 * <p>The cache holds at most {@code capacity} keys, least recently used first out. Only value and
 * map state are cached; the engine and the patterns it hosts use no other kind.
 *
 * <p>The class is long (about 640 lines) because the value and map views, their write-back rules
 * and the map's iterators all work on one per-key entry and its eviction; as inner classes they
 * share that bookkeeping without exposing it to the package.
 */
final class KeyedStateCache extends SyncStateStore {

    private final KeyedStateStore backend;
    private final KeyContext keys;
    private final int capacity;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, Slot> slotsByName = new HashMap<>();
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private Entry current;
    private long loads;
    private long writes;

    KeyedStateCache(KeyedStateStore backend, KeyContext keys, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The state cache must hold at least one key");
        }
        this.backend = backend;
        this.keys = keys;
        this.capacity = capacity;
    }

    /** Writes every state read or changed since the last flush to the backend. */
    void flush() throws Exception {
        Object before = keys.getCurrentKey();
        for (Entry entry : entries.values()) {
            if (entry.dirty) {
                keys.setCurrentKey(entry.key);
                write(entry);
            }
        }
        if (before != null) {
            keys.setCurrentKey(before);
        }
    }

    /**
     * Forgets state {@code name} for every cached key, unwritten changes included; for a state the
     * caller then clears in the backend for all keys.
     */
    void forget(String name) {
        Slot slot = slotsByName.get(name);
        if (slot == null) {
            return;
        }
        for (Entry entry : entries.values()) {
            if (slot.index < entry.cells.length) {
                entry.cells[slot.index] = null;
            }
        }
    }

    /** Keys now cached. */
    int size() {
        return entries.size();
    }

    /** Times a key's state was read from the backend. */
    long loads() {
        return loads;
    }

    /** Times a key's state was written to the backend. */
    long writes() {
        return writes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        return (ValueState<T>)
                slot(descriptor.getName(), name -> new ValueSlot<>(backend.getState(descriptor)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
        return (MapState<UK, UV>)
                slot(descriptor.getName(), name -> new MapSlot<>(backend.getMapState(descriptor)));
    }

    private Slot slot(String name, Function<String, Slot> create) {
        Slot slot = slotsByName.get(name);
        if (slot == null) {
            slot = create.apply(name);
            slot.index = slots.size();
            slots.add(slot);
            slotsByName.put(name, slot);
        }
        return slot;
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
        throw unsupported(descriptor.getName());
    }

    @Override
    String refusal() {
        return "the state cache holds only value and map state";
    }

    @Override
    public String getBackendTypeIdentifier() {
        return backend.getBackendTypeIdentifier();
    }

    /** The current key's entry; a key new to the cache may push the least recent one out. */
    private Entry entry() throws Exception {
        Object key = keys.getCurrentKey();
        Entry entry = current;
        if (entry != null && (entry.key == key || entry.key.equals(key))) {
            return entry;
        }
        entry = entries.get(key);
        if (entry == null) {
            entry = new Entry(key, slots.size());
            entries.put(key, entry);
            if (entries.size() > capacity) {
                evictEldest(key);
            }
        }
        current = entry;
        return entry;
    }

    private void evictEldest(Object currentKey) throws Exception {
        Iterator<Entry> eldest = entries.values().iterator();
        Entry evicted = eldest.next();
        eldest.remove();
        if (evicted.dirty) {
            keys.setCurrentKey(evicted.key);
            write(evicted);
            keys.setCurrentKey(currentKey);
        }
    }

    /** Writes {@code entry}'s changed cells; the backend's current key must be the entry's. */
    private void write(Entry entry) throws Exception {
        for (int i = 0; i < entry.cells.length; i++) {
            Cell cell = entry.cells[i];
            if (cell != null && cell.dirty) {
                if (slots.get(i).write(cell)) {
                    writes++;
                }
                cell.dirty = false;
            }
        }
        entry.dirty = false;
    }

    /** One cached state of one key. */
    private abstract static class Cell {
        boolean dirty;
    }

    /** One key's cached states, by slot index; {@code null} where not read from the backend yet. */
    private static final class Entry {
        final Object key;
        Cell[] cells;
        boolean dirty;

        Entry(Object key, int slots) {
            this.key = key;
            this.cells = new Cell[Math.max(slots, 1)];
        }
    }

    /** One declared state: how its cells are loaded, changed and written back. */
    private abstract class Slot {
        int index;

        abstract Cell load() throws Exception;

        /**
         * Writes {@code cell} back; false if nothing had to reach the backend (a state it does not
         * hold that is still empty: a delete would only leave a tombstone for RocksDB to compact).
         */
        abstract boolean write(Cell cell) throws Exception;

        /** The current key's cell of this state, marked as to be written back. */
        final Cell cell() throws Exception {
            Entry entry = entry();
            if (index >= entry.cells.length) {
                entry.cells = Arrays.copyOf(entry.cells, slots.size());
            }
            Cell cell = entry.cells[index];
            if (cell == null) {
                cell = load();
                loads++;
                entry.cells[index] = cell;
            }
            cell.dirty = true;
            entry.dirty = true;
            return cell;
        }
    }

    private static final class ValueCell<T> extends Cell {
        T value;

        /** Whether the backend holds a value for the key (as read, or as last written). */
        boolean stored;
    }

    private final class ValueSlot<T> extends Slot implements ValueState<T> {

        private final ValueState<T> stored;

        ValueSlot(ValueState<T> stored) {
            this.stored = stored;
        }

        @Override
        Cell load() throws Exception {
            ValueCell<T> cell = new ValueCell<>();
            cell.value = stored.value();
            cell.stored = cell.value != null;
            return cell;
        }

        @Override
        @SuppressWarnings("unchecked")
        boolean write(Cell written) throws Exception {
            ValueCell<T> cell = (ValueCell<T>) written;
            if (cell.value == null) {
                if (!cell.stored) {
                    return false;
                }
                stored.clear();
            } else {
                stored.update(cell.value);
            }
            cell.stored = cell.value != null;
            return true;
        }

        @SuppressWarnings("unchecked")
        private ValueCell<T> valueCell() throws IOException {
            try {
                return (ValueCell<T>) cell();
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("Cannot read or write back cached state", e);
            }
        }

        @Override
        public T value() throws IOException {
            return valueCell().value;
        }

        @Override
        public void update(T value) throws IOException {
            valueCell().value = value;
        }

        @Override
        public void clear() {
            try {
                valueCell().value = null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A key's map, read from the backend one user key at a time until a whole view is asked for
     * (iteration, emptiness), then whole ({@code complete}); with what changed since the last
     * flush: the user keys written, removed or read (a value read may be changed in place), whether
     * it was cleared, and whether every value may have changed (after iterating over values). A
     * user key in {@code touched} but not in {@code map} was removed; one in {@code absent} is
     * known not to be in the backend; one in {@code fresh} was put while the backend did not hold
     * it, so that its removal need not be written (a reading buffered and handed over between two
     * checkpoints never reaches RocksDB, not even as a tombstone).
     */
    private static final class MapCell<UK, UV> extends Cell {
        final HashMap<UK, UV> map = new HashMap<>();
        final LazySet<UK> touched = new LazySet<>();
        final LazySet<UK> absent = new LazySet<>();
        final LazySet<UK> fresh = new LazySet<>();
        boolean complete;
        boolean cleared;
        boolean all;

        /** User keys looked up in the backend and not found there, while the key was cached. */
        int misses;
    }

    /**
     * Misses of one cached map in the backend after which it is read whole: an iterator's seek on
     * RocksDB costs several point reads, so a map read once or twice while its key is cached (keys
     * far beyond the cache) is read point by point, and one read often is read once.
     */
    static final int MISSES_BEFORE_COMPLETE = 4;

    private final class MapSlot<UK, UV> extends Slot implements MapState<UK, UV> {

        private final MapState<UK, UV> stored;

        MapSlot(MapState<UK, UV> stored) {
            this.stored = stored;
        }

        @Override
        Cell load() {
            // Point reads cost far less than an iterator's seek on RocksDB: nothing is read yet.
            return new MapCell<UK, UV>();
        }

        /** The value of {@code key}, from the cell or, not known there yet, the backend. */
        private UV lookup(MapCell<UK, UV> cell, UK key) throws Exception {
            UV value = cell.map.get(key);
            if (value != null
                    || cell.complete
                    || cell.touched.contains(key)
                    || cell.absent.contains(key)) {
                return value;
            }
            if (cell.misses >= MISSES_BEFORE_COMPLETE) {
                // A map that keeps being asked for user keys it does not hold (new timestamps,
                // new windows) costs a point read per key: one read of the whole map costs less.
                return complete(cell).map.get(key);
            }
            value = stored.get(key);
            if (value == null) {
                cell.absent.add(key);
                cell.misses++;
            } else {
                cell.map.put(key, value);
            }
            return value;
        }

        /** Reads what the backend holds and the cell does not know yet: the map is whole. */
        private MapCell<UK, UV> complete(MapCell<UK, UV> cell) throws Exception {
            if (!cell.complete) {
                Iterable<Map.Entry<UK, UV>> all = stored.entries();
                if (all != null) {
                    for (Map.Entry<UK, UV> entry : all) {
                        if (!cell.touched.contains(entry.getKey())) {
                            cell.map.putIfAbsent(entry.getKey(), entry.getValue());
                        }
                    }
                }
                cell.complete = true;
                cell.absent.clear();
            }
            return cell;
        }

        @Override
        @SuppressWarnings("unchecked")
        boolean write(Cell written) throws Exception {
            MapCell<UK, UV> cell = (MapCell<UK, UV>) written;
            boolean wrote = cell.cleared || cell.all;
            if (cell.cleared) {
                stored.clear();
            }
            if (cell.all) {
                stored.putAll(cell.map);
            }
            for (UK key : cell.touched) {
                UV value = cell.map.get(key);
                if (value != null) {
                    if (!cell.all) {
                        stored.put(key, value);
                        wrote = true;
                    }
                } else if (!cell.cleared && !cell.fresh.contains(key)) {
                    stored.remove(key);
                    wrote = true;
                }
            }
            cell.touched.clear();
            cell.absent.clear();
            cell.fresh.clear();
            cell.cleared = false;
            cell.all = false;
            return wrote;
        }

        /** Whether the backend is known not to hold {@code key}: put now, it is fresh. */
        private boolean unheld(MapCell<UK, UV> cell, UK key) {
            return cell.cleared
                    || cell.fresh.contains(key)
                    || cell.absent.contains(key)
                    || (cell.complete && !cell.map.containsKey(key) && !cell.touched.contains(key));
        }

        @SuppressWarnings("unchecked")
        private MapCell<UK, UV> mapCell() throws Exception {
            return (MapCell<UK, UV>) cell();
        }

        @Override
        public UV get(UK key) throws Exception {
            MapCell<UK, UV> cell = mapCell();
            UV value = lookup(cell, key);
            if (value != null) {
                cell.touched.add(key);
            }
            return value;
        }

        @Override
        public void put(UK key, UV value) throws Exception {
            MapCell<UK, UV> cell = mapCell();
            if (unheld(cell, key)) {
                cell.fresh.add(key);
            }
            cell.map.put(key, value);
            cell.touched.add(key);
            cell.absent.remove(key);
        }

        @Override
        public void putAll(Map<UK, UV> map) throws Exception {
            MapCell<UK, UV> cell = mapCell();
            for (UK key : map.keySet()) {
                if (unheld(cell, key)) {
                    cell.fresh.add(key);
                }
            }
            cell.map.putAll(map);
            for (UK key : map.keySet()) {
                cell.touched.add(key);
                cell.absent.remove(key);
            }
        }

        @Override
        public void remove(UK key) throws Exception {
            MapCell<UK, UV> cell = mapCell();
            cell.map.remove(key);
            removed(cell, key);
        }

        @Override
        public boolean contains(UK key) throws Exception {
            return lookup(mapCell(), key) != null;
        }

        @Override
        public Iterable<Map.Entry<UK, UV>> entries() throws Exception {
            MapCell<UK, UV> cell = complete(mapCell());
            cell.all = true;
            return () -> tracked(cell, cell.map.entrySet().iterator(), Map.Entry::getKey);
        }

        @Override
        public Iterable<UK> keys() throws Exception {
            MapCell<UK, UV> cell = complete(mapCell());
            return () -> tracked(cell, cell.map.keySet().iterator(), key -> key);
        }

        @Override
        public Iterable<UV> values() throws Exception {
            MapCell<UK, UV> cell = complete(mapCell());
            cell.all = true;
            return () -> tracked(cell, cell.map.entrySet().iterator(), Map.Entry::getKey).map();
        }

        @Override
        public Iterator<Map.Entry<UK, UV>> iterator() throws Exception {
            return entries().iterator();
        }

        @Override
        public boolean isEmpty() throws Exception {
            MapCell<UK, UV> cell = mapCell();
            return cell.map.isEmpty() && complete(cell).map.isEmpty();
        }

        @Override
        public void clear() {
            try {
                MapCell<UK, UV> cell = mapCell();
                cell.map.clear();
                cell.touched.clear();
                cell.absent.clear();
                cell.fresh.clear();
                cell.all = false;
                cell.cleared = true;
                cell.complete = true;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot clear cached state", e);
            }
        }
    }

    /**
     * A set that allocates nothing while empty: most cached maps are read a user key or two and
     * written back, and a {@code HashSet} per kind of change per map cost more in allocation,
     * clearing and iteration than the changes themselves at 10^6 keys.
     */
    private static final class LazySet<K> implements Iterable<K> {
        private HashSet<K> set;

        void add(K key) {
            if (set == null) {
                set = new HashSet<>(4);
            }
            set.add(key);
        }

        boolean contains(Object key) {
            return set != null && set.contains(key);
        }

        /** Whether {@code key} was in the set. */
        boolean remove(Object key) {
            return set != null && set.remove(key);
        }

        void clear() {
            set = null;
        }

        @Override
        public Iterator<K> iterator() {
            return set == null ? Collections.emptyIterator() : set.iterator();
        }
    }

    /**
     * Records the removal of {@code key} from {@code cell}'s map, to be written back; unless it was
     * put while the backend did not hold it, since the last write-back: then there is nothing to
     * write and nothing to remember. A reading buffered and handed over between two write-backs so
     * leaves no trace in the cell, which would otherwise hold every timestamp buffered since the
     * last checkpoint. (Put again before the next write-back, such a key is written as a put;
     * removed again, as a delete the backend did not need.)
     */
    private static <UK> void removed(MapCell<UK, ?> cell, UK key) {
        if (cell.fresh.remove(key)) {
            cell.touched.remove(key);
        } else {
            // Not read yet, the backend may hold it: the removal is written back either way.
            cell.touched.add(key);
        }
    }

    private static <UK, UV, E> TrackedIterator<UK, UV, E> tracked(
            MapCell<UK, UV> cell, Iterator<E> iterator, Function<E, UK> keyOf) {
        return new TrackedIterator<>(cell, iterator, keyOf);
    }

    /** An iterator over a cached map that records the keys removed through it. */
    private static final class TrackedIterator<UK, UV, E> implements Iterator<E> {
        private final MapCell<UK, UV> cell;
        private final Iterator<E> iterator;
        private final Function<E, UK> keyOf;
        private E last;

        TrackedIterator(MapCell<UK, UV> cell, Iterator<E> iterator, Function<E, UK> keyOf) {
            this.cell = cell;
            this.iterator = iterator;
            this.keyOf = keyOf;
        }

        @Override
        public boolean hasNext() {
            return iterator.hasNext();
        }

        @Override
        public E next() {
            last = iterator.next();
            return last;
        }

        @Override
        public void remove() {
            UK key = keyOf.apply(last);
            iterator.remove();
            removed(cell, key);
        }

        /** This iterator's values, for an iterator over entries. */
        @SuppressWarnings("unchecked")
        Iterator<UV> map() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return TrackedIterator.this.hasNext();
                }

                @Override
                public UV next() {
                    return ((Map.Entry<UK, UV>) TrackedIterator.this.next()).getValue();
                }

                @Override
                public void remove() {
                    TrackedIterator.this.remove();
                }
            };
        }
    }
}
