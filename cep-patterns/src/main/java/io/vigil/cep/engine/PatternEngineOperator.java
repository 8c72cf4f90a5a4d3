package io.vigil.cep.engine;

import io.vigil.aggregation.ReadingAccumulator;
import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.aggregation.WindowAggregates;
import io.vigil.model.Alert;
import io.vigil.model.DeadLetter;
import io.vigil.model.DeadLetterReason;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Vigil's analytics engine: one keyed operator that takes each reading once and does all the
 * per-key work on it, in place of a chain of filters, shuffles and CEP operators per pattern.
 *
 * <p>For each reading of a key ({@code site/device/metric}) it
 *
 * <ul>
 *   <li>sends a reading at or behind the watermark to the {@link #LATE} dead letters (reason {@code
 *       late}), once, instead of letting windows and patterns drop it silently;
 *   <li>adds it to the key's tumbling event-time window, whose {@link WindowAggregate} is the main
 *       output when the watermark passes the window's end;
 *   <li>keeps it in the key's one event-time buffer until the watermark passes it, then hands it,
 *       in event-time order (ties in arrival order), to every hosted {@link PatternProgram} that
 *       watches it; their alerts go to the {@link #ALERTS} side output.
 * </ul>
 *
 * <p>The engine runs in one of two {@link PatternKeying}s. Keyed by sensor ({@code
 * site/device/metric}, the job's {@code analytics} operator) it does all of the above and hosts the
 * programs of that keying; it also sends each on-time reading that a program keyed by device
 * watches to {@link #DEVICE_READINGS}, once, as it arrives. Keyed by device ({@code site/device},
 * {@link #forDevices}) it takes those readings, orders them in event time on its own (readings of
 * one instant in metric-name order, then in arrival order) and hosts the programs keyed by device,
 * such as sequences across a device's metrics; it has no windows. When no program is keyed by
 * device, nothing is forwarded.
 *
 * <p>Each program keeps its keyed state under its own name and its timers in its own namespace, so
 * that any number of patterns share one shuffle, one buffer and one state access per reading (the
 * shape FLIP-200, dynamic CEP, describes for hosting many patterns in one operator). Timers fire in
 * timestamp order; before a window's or a program's timer at {@code t} fires, the readings at
 * {@code t} are handed over, so a program sees every reading up to {@code t} first.
 *
 * <p>The class is long (about 800 lines) because it is one Flink operator: its element, watermark,
 * timer, snapshot and end-of-input paths share the keyed fields, and the order of their calls is
 * what keeps the results exact, so they are read together. The state cache ({@link
 * KeyedStateCache}), the programs' state names ({@link PrefixedStateStore}), live pattern changes
 * ({@code LivePatternEngineOperator}) and every pattern live in classes of their own.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<WindowAggregate> engine =
 *         readings.keyBy(SensorReading::key)
 *                 .transform("Analytics", TypeInformation.of(WindowAggregate.class),
 *                         new PatternEngineOperator(programs, Duration.ofMinutes(1), Set.of("sound")));
 * DataStream<Alert> alerts = engine.getSideOutput(PatternEngineOperator.ALERTS);
 * }</pre>
 */
public class PatternEngineOperator extends AbstractStreamOperator<WindowAggregate>
        implements OneInputStreamOperator<SensorReading, WindowAggregate>,
                Triggerable<String, String> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<Alert> ALERTS =
            new OutputTag<>("alerts", TypeInformation.of(Alert.class));

    public static final OutputTag<DeadLetter> LATE =
            new OutputTag<>("late-readings", TypeInformation.of(DeadLetter.class));

    /**
     * The on-time readings a program keyed by device watches, from an engine keyed by sensor, for
     * the engine keyed by device; with the event time of each reading.
     */
    public static final OutputTag<SensorReading> DEVICE_READINGS =
            new OutputTag<>("device-readings", TypeInformation.of(SensorReading.class));

    /**
     * Keys per subtask whose state the engine keeps as objects on a backend that serializes on
     * every access (RocksDB), by default.
     */
    public static final int DEFAULT_STATE_CACHE_KEYS = 10_000;

    /** Metric: keys whose state is cached on the heap now. */
    public static final String STATE_CACHE_KEYS = "stateCacheKeys";

    /** Metric: reads of a key's state from the backend into the cache. */
    public static final String STATE_CACHE_LOADS = "stateCacheLoads";

    /** Metric: writes of a key's state from the cache to the backend. */
    public static final String STATE_CACHE_WRITES = "stateCacheWrites";

    /** Metric: readings at or behind the watermark, sent to {@link #LATE}. */
    public static final String LATE_READINGS = "lateReadings";

    // Program names come from pattern files and are never empty; these cannot clash with them.
    private static final String ORDER = "";
    private static final String WINDOW = "\u0000window";

    private final PatternKeying keying;
    private final List<PatternProgram> initialPrograms;
    private final List<String> initialExpected;
    private final long windowMillis;
    private final String windowLabel;
    private final ReadingAggregateFunction aggregate;

    private int stateCacheKeys = DEFAULT_STATE_CACHE_KEYS;

    /** The highest watermark this operator has been given. */
    private transient long inputWatermark;

    private transient KeyedStateStore stateStore;
    private transient KeyedStateCache cache;
    private transient MapState<Long, List<SensorReading>> pending;
    private transient MapState<Long, ReadingAccumulator> windows;
    private transient InternalTimerService<String> timers;
    private transient Map<String, Hosted> hostedByScope;
    private transient Hosted[] hosted;
    private transient PatternProgram[] forwarded;
    private transient List<PatternProgram> programs;
    private transient List<String> expected;
    // Expected keys of this subtask that programs are still to be told of, at the first watermark.
    private transient List<Expectation> unannounced;
    // The latest event time of an on-time reading this subtask has received since it opened.
    private transient long latestEventTime;

    /** Processing time at which the watermark last advanced (or this subtask opened). */
    private transient long eventTimeMovedAt;

    /** Whether a look for a stall of event time is scheduled (see {@link #scheduleStallCheck}). */
    private transient boolean stallCheckScheduled;

    private transient Counter lateReadings;

    /**
     * @param windowMillis the tumbling window size, or 0 for no window aggregates
     * @param windowLabel the window size as aggregates name it, e.g. {@code 1m}
     */
    public PatternEngineOperator(
            List<PatternProgram> programs,
            long windowMillis,
            String windowLabel,
            ReadingAggregateFunction aggregate) {
        this(programs, List.of(), windowMillis, windowLabel, aggregate);
    }

    /**
     * @param expected keys {@code site/device/metric} that should send readings: the programs that
     *     watch one are told so ({@link PatternProgram#onExpected}) from the first watermark on
     * @param windowMillis the tumbling window size, or 0 for no window aggregates
     * @param windowLabel the window size as aggregates name it, e.g. {@code 1m}
     */
    public PatternEngineOperator(
            List<PatternProgram> programs,
            List<String> expected,
            long windowMillis,
            String windowLabel,
            ReadingAggregateFunction aggregate) {
        this(PatternKeying.SENSOR, programs, expected, windowMillis, windowLabel, aggregate);
    }

    /**
     * @param keying what the operator's input is keyed by; it hosts the {@code programs} of that
     *     keying (and, keyed by sensor, forwards the readings of the others)
     * @param expected expected keys {@code site/device/metric}; only an engine keyed by sensor has
     *     them, one keyed by device ignores them
     */
    protected PatternEngineOperator(
            PatternKeying keying,
            List<PatternProgram> programs,
            List<String> expected,
            long windowMillis,
            String windowLabel,
            ReadingAggregateFunction aggregate) {
        requireUniqueNames(programs);
        if (keying == PatternKeying.DEVICE && windowMillis != 0) {
            throw new IllegalArgumentException("An engine keyed by device has no windows");
        }
        this.keying = keying;
        this.initialPrograms = List.copyOf(programs);
        this.initialExpected = List.copyOf(expected);
        this.windowMillis = windowMillis;
        this.windowLabel = windowLabel;
        this.aggregate = aggregate;
    }

    /**
     * The engine keyed by device ({@code site/device}) for the readings of {@link
     * #DEVICE_READINGS}: it hosts the programs of {@code programs} keyed by device, and has no
     * windows.
     */
    public static PatternEngineOperator forDevices(List<PatternProgram> programs) {
        return new PatternEngineOperator(PatternKeying.DEVICE, programs, List.of(), 0, "", null);
    }

    /**
     * Keeps the state of up to {@code keys} keys per subtask as objects on the heap when the state
     * backend serializes on every access (RocksDB), written back before every checkpoint and when a
     * key leaves the cache; the heap backend is used as it is.
     */
    public PatternEngineOperator withStateCacheKeys(int keys) {
        if (keys < 1) {
            throw new IllegalArgumentException(
                    "The state cache must hold at least one key, got " + keys);
        }
        this.stateCacheKeys = keys;
        return this;
    }

    /**
     * Fires the timers of a watermark in pieces when Flink's interruptible timers are on ({@code
     * execution.checkpointing.unaligned.interruptible-timers.enabled}, with unaligned checkpoints;
     * the shipped configuration turns them on). Every key's window ends at the same instant, so one
     * watermark can fire the timers of every key of the subtask; in pieces, a checkpoint gets
     * through meanwhile instead of waiting for all of them (at 10^6 keys it waited past its
     * timeout). Nothing here depends on one watermark's timers firing in one go: the watermark is
     * set before the first fires, so a reading that arrives in between is either late (at or behind
     * it) or waits for a later timer, and a key's readings still come out in event-time order.
     */
    @Override
    public boolean useInterruptibleTimers(ReadableConfig config) {
        return true;
    }

    /** What the operator's input is keyed by. */
    protected final PatternKeying keying() {
        return keying;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        KeyedStateStore store = context.getKeyedStateStore();
        // The heap backend already keeps objects; any other serializes on every access.
        if (!"hashmap".equals(store.getBackendTypeIdentifier())) {
            cache = new KeyedStateCache(store, this, stateCacheKeys);
            store = cache;
        }
        stateStore = store;
        TypeInformation<SensorReading> readingType = TypeInformation.of(SensorReading.class);
        pending =
                store.getMapState(
                        new MapStateDescriptor<>(
                                "pending",
                                LongSerializer.INSTANCE,
                                new ListSerializer<>(
                                        getRuntimeContext().createSerializer(readingType))));
        windows =
                store.getMapState(
                        new MapStateDescriptor<>(
                                "windows",
                                LongSerializer.INSTANCE,
                                getRuntimeContext()
                                        .createSerializer(
                                                TypeInformation.of(ReadingAccumulator.class))));
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService("engine", StringSerializer.INSTANCE, this);
        lateReadings = getMetricGroup().counter(LATE_READINGS);
        if (cache != null) {
            getMetricGroup().gauge(STATE_CACHE_KEYS, cache::size);
            getMetricGroup().gauge(STATE_CACHE_LOADS, cache::loads);
            getMetricGroup().gauge(STATE_CACHE_WRITES, cache::writes);
        }
        hostedByScope = new HashMap<>();
        hosted = new Hosted[0];
        unannounced = new ArrayList<>();
        latestEventTime = Long.MIN_VALUE;
        inputWatermark = Long.MIN_VALUE;
        eventTimeMovedAt = timers.currentProcessingTime();
        List<String> startExpected = expected == null ? initialExpected : expected;
        expected = List.of();
        install(programs == null ? initialPrograms : programs, startExpected);
    }

    /**
     * Starts with {@code restored} programs and expected keys instead of the constructor's; before
     * {@link #open}.
     */
    protected final void startWith(List<PatternProgram> restored, List<String> restoredExpected) {
        requireUniqueNames(restored);
        programs = List.copyOf(restored);
        expected = List.copyOf(restoredExpected);
    }

    /**
     * Puts {@code next} and {@code nextExpected} in force for every key: a program whose name and
     * fingerprint are unchanged keeps its state; a new or changed one starts with no state; the
     * state of a program no longer in force is dropped for all keys (its timers fire into nothing).
     *
     * <p>Of the expected keys of this subtask, a program that keeps its state is told of those
     * added ({@link PatternProgram#onExpected}) and of those removed ({@link
     * PatternProgram#onNoLongerExpected}); a new one of all. Keys are announced from the current
     * watermark, or from the first one when there is none yet.
     *
     * <p>Only the programs of this operator's keying are hosted; keyed by sensor, the readings of
     * the others are forwarded. Expected keys are sensor keys: an engine keyed by device ignores
     * them.
     */
    protected final void install(List<PatternProgram> next, List<String> givenExpected)
            throws Exception {
        requireUniqueNames(next);
        List<String> nextExpected = keying == PatternKeying.SENSOR ? givenExpected : List.of();
        List<PatternProgram> own = new ArrayList<>();
        List<PatternProgram> others = new ArrayList<>();
        for (PatternProgram program : next) {
            (program.keying() == keying ? own : others).add(program);
        }
        Map<String, Hosted> kept = new HashMap<>();
        List<Hosted> fresh = new ArrayList<>();
        Hosted[] installed = new Hosted[own.size()];
        for (int i = 0; i < installed.length; i++) {
            PatternProgram program = own.get(i);
            String scope = scope(program);
            Hosted existing = hostedByScope.get(scope);
            if (existing == null) {
                existing = new Hosted(program, scope);
                program.open(existing);
                fresh.add(existing);
            }
            installed[i] = existing;
            kept.put(scope, existing);
        }
        for (Hosted old : hosted) {
            if (!kept.containsKey(old.scope)) {
                old.program.close();
                old.dropState();
            }
        }
        Set<String> before = new HashSet<>(expected);
        Set<String> after = new HashSet<>(nextExpected);
        unannounced.removeIf(e -> !after.contains(e.key) || !kept.containsKey(e.program.scope));
        for (String key : local(expected)) {
            if (!after.contains(key)) {
                setCurrentKey(key);
                for (Hosted program : installed) {
                    if (!fresh.contains(program) && program.program.watches(probe(key, 0))) {
                        program.program.onNoLongerExpected(program);
                    }
                }
            }
        }
        for (String key : local(nextExpected)) {
            for (Hosted program : installed) {
                if (fresh.contains(program) || !before.contains(key)) {
                    unannounced.add(new Expectation(key, program));
                }
            }
        }
        hosted = installed;
        hostedByScope = kept;
        forwarded =
                keying == PatternKeying.SENSOR
                        ? others.toArray(new PatternProgram[0])
                        : new PatternProgram[0];
        programs = List.copyOf(next);
        expected = List.copyOf(nextExpected);
        announce(timers.currentWatermark());
        scheduleStallCheck();
    }

    /**
     * Schedules the next look for a stall of event time, when a hosted program asks to hear of one
     * ({@link PatternProgram#stallMillis}) and none is scheduled: one processing-time callback per
     * subtask, not a timer per key.
     */
    private void scheduleStallCheck() {
        if (stallCheckScheduled || timers.currentWatermark() == Long.MAX_VALUE) {
            return;
        }
        long now = timers.currentProcessingTime();
        long next = Long.MAX_VALUE;
        for (Hosted program : hosted) {
            long stall = program.program.stallMillis();
            if (stall > 0) {
                // Once told of this stall, a program can only hear of the next one after the
                // watermark moves; look again a stall's length later.
                long due =
                        program.stalledSince == eventTimeMovedAt
                                ? now + stall
                                : eventTimeMovedAt + stall;
                next = Math.min(next, due);
            }
        }
        if (next != Long.MAX_VALUE) {
            stallCheckScheduled = true;
            getProcessingTimeService().registerTimer(next, this::checkStall);
        }
    }

    private void checkStall(long time) throws Exception {
        stallCheckScheduled = false;
        long now = timers.currentProcessingTime();
        // The final watermark of a bounded input is the end of the data, not a stall.
        if (timers.currentWatermark() != Long.MAX_VALUE) {
            for (Hosted program : hosted) {
                long stall = program.program.stallMillis();
                if (stall > 0
                        && program.stalledSince != eventTimeMovedAt
                        && now - eventTimeMovedAt >= stall) {
                    program.stalledSince = eventTimeMovedAt;
                    program.tellStalled();
                }
            }
        }
        scheduleStallCheck();
    }

    /** The keys of {@code keys} whose key group this subtask holds. */
    private List<String> local(List<String> keys) {
        TaskInfo task = getRuntimeContext().getTaskInfo();
        int keyGroups = task.getMaxNumberOfParallelSubtasks();
        KeyGroupRange range =
                KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                        keyGroups,
                        task.getNumberOfParallelSubtasks(),
                        task.getIndexOfThisSubtask());
        return keys.stream()
                .filter(
                        key ->
                                range.contains(
                                        KeyGroupRangeAssignment.assignToKeyGroup(key, keyGroups)))
                .toList();
    }

    /**
     * Tells the programs of the expected keys not yet announced, once there is event time: the
     * watermark, or the first reading when it comes first.
     */
    private void announce(long watermark) throws Exception {
        if (unannounced.isEmpty() || watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE) {
            return;
        }
        for (Expectation expectation : unannounced) {
            setCurrentKey(expectation.key);
            SensorReading probe = probe(expectation.key, watermark);
            if (expectation.program.program.watches(probe)) {
                expectation.program.program.onExpected(probe, expectation.program);
            }
        }
        unannounced.clear();
    }

    /** A reading of value 0 that stands for {@code key} at {@code timestamp}. */
    private static SensorReading probe(String key, long timestamp) {
        String[] levels = key.split("/", 3);
        return new SensorReading(levels[0], levels[1], levels[2], timestamp, 0, null);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() > timers.currentWatermark()) {
            eventTimeMovedAt = timers.currentProcessingTime();
        }
        inputWatermark = Math.max(inputWatermark, mark.getTimestamp());
        announce(mark.getTimestamp());
        super.processWatermark(mark);
    }

    /**
     * Fires what the end of input's watermark has left. With interruptible timers that watermark
     * fires its timers in mails of its own, and Flink may finish this operator, and end the input
     * of the operators chained after it (the sinks), before those mails have run: an aggregate or
     * alert fired then fails the task ("Received element after endOfInput"), and the restart emits
     * again what the sinks had already taken.
     */
    @Override
    public void finish() throws Exception {
        if (inputWatermark == Long.MAX_VALUE && timeServiceManager != null) {
            timeServiceManager.advanceWatermark(Watermark.MAX_WATERMARK);
            output.emitWatermark(Watermark.MAX_WATERMARK);
        }
        super.finish();
    }

    /** An expected key a program is still to be told of. */
    private record Expectation(String key, Hosted program) {}

    /** {@code <name>@<fingerprint hash>/}: unique per name and parameters, stable across runs. */
    static String scope(PatternProgram program) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(program.fingerprint().getBytes(StandardCharsets.UTF_8));
            return program.name() + "@" + HexFormat.of().formatHex(digest, 0, 8) + "/";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void requireUniqueNames(List<PatternProgram> programs) {
        Map<String, PatternProgram> unique = new HashMap<>();
        for (PatternProgram program : programs) {
            if (program.name().isEmpty() || unique.put(program.name(), program) != null) {
                throw new IllegalArgumentException(
                        String.format(
                                "Pattern names must be unique and not empty, got '%s' twice or"
                                        + " empty",
                                program.name()));
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // Called before the keyed state backend takes its snapshot: the cache is written first.
        if (cache != null) {
            cache.flush();
        }
        super.snapshotState(context);
    }

    @Override
    public void close() throws Exception {
        if (hosted != null) {
            for (Hosted program : hosted) {
                program.program.close();
            }
        }
        super.close();
    }

    @Override
    public void processElement(StreamRecord<SensorReading> element) throws Exception {
        SensorReading reading = element.getValue();
        long timestamp = reading.timestamp();
        long watermark = timers.currentWatermark();
        if (timestamp <= watermark) {
            late(reading, watermark);
            return;
        }
        latestEventTime = Math.max(latestEventTime, timestamp);
        if (!unannounced.isEmpty()) {
            // Event time starts with the first reading when it comes before any watermark.
            Object key = getCurrentKey();
            announce(timestamp);
            setCurrentKey(key);
        }
        if (windowMillis > 0) {
            long end = timestamp - Math.floorMod(timestamp, windowMillis) + windowMillis;
            ReadingAccumulator acc = windows.get(end);
            if (acc == null) {
                acc = aggregate.createAccumulator();
                timers.registerEventTimeTimer(WINDOW, end - 1);
            }
            windows.put(end, aggregate.add(reading, acc));
        }
        boolean watched = false;
        for (Hosted program : hosted) {
            if (program.program.watches(reading)) {
                watched = true;
                program.program.onArrival(reading, program);
            }
        }
        if (watched) {
            List<SensorReading> atTimestamp = pending.get(timestamp);
            if (atTimestamp == null) {
                atTimestamp = new ArrayList<>(1);
                timers.registerEventTimeTimer(ORDER, timestamp);
            }
            atTimestamp.add(reading);
            pending.put(timestamp, atTimestamp);
        }
        for (PatternProgram program : forwarded) {
            if (program.watches(reading)) {
                output.collect(DEVICE_READINGS, new StreamRecord<>(reading, timestamp));
                break;
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, String> timer) throws Exception {
        long timestamp = timer.getTimestamp();
        // Readings at this instant come first, whichever timer of the instant fires first.
        handOver(timestamp);
        String namespace = timer.getNamespace();
        if (WINDOW.equals(namespace)) {
            emitWindow(timestamp + 1);
        } else if (!ORDER.equals(namespace)) {
            Hosted program = hostedByScope.get(namespace);
            if (program != null) {
                program.program.onEventTime(timestamp, program);
            }
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, String> timer) throws Exception {
        Hosted program = hostedByScope.get(timer.getNamespace());
        if (program != null) {
            program.program.onProcessingTime(timer.getTimestamp(), program);
        }
    }

    private void handOver(long timestamp) throws Exception {
        List<SensorReading> due = pending.get(timestamp);
        if (due == null) {
            return;
        }
        pending.remove(timestamp);
        // Keyed by device, one instant can hold readings of several metrics: metric-name order
        // makes their order independent of arrival (stable: one metric's stay in arrival order).
        if (due.size() > 1) {
            due.sort(Comparator.comparing(SensorReading::metric));
        }
        for (SensorReading reading : due) {
            for (Hosted program : hosted) {
                if (program.program.watches(reading)) {
                    program.program.onReading(reading, program);
                }
            }
        }
    }

    private void emitWindow(long end) throws Exception {
        ReadingAccumulator acc = windows.get(end);
        if (acc == null) {
            return;
        }
        windows.remove(end);
        output.collect(
                new StreamRecord<>(
                        WindowAggregates.of(
                                (String) getCurrentKey(),
                                windowLabel,
                                end - windowMillis,
                                end,
                                acc),
                        end - 1));
    }

    private void late(SensorReading reading, long watermark) {
        lateReadings.inc();
        String payload =
                String.format(
                        "{\"ts\":%d,\"value\":%s%s}",
                        reading.timestamp(),
                        reading.value(),
                        reading.unit() == null
                                ? ""
                                : ",\"unit\":\"" + jsonEscape(reading.unit()) + "\"");
        output.collect(
                LATE,
                new StreamRecord<>(
                        DeadLetter.of(
                                DeadLetterReason.LATE.code(),
                                "sensors/" + reading.key(),
                                payload.getBytes(StandardCharsets.UTF_8),
                                getProcessingTimeService().getCurrentProcessingTime(),
                                String.format(
                                        "reading at %d is at or behind the watermark %d",
                                        reading.timestamp(), watermark)),
                        reading.timestamp()));
    }

    private static String jsonEscape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** One hosted program with its context: its state, its timer namespace, the alert output. */
    private final class Hosted implements ProgramContext {

        final PatternProgram program;
        final String scope;
        final PrefixedStateStore state;

        /** The {@link #eventTimeMovedAt} of the stall this program was last told of. */
        long stalledSince = Long.MIN_VALUE;

        Hosted(PatternProgram program, String scope) {
            this.program = program;
            this.scope = scope;
            this.state = new PrefixedStateStore(stateStore, scope);
        }

        void dropState() throws Exception {
            for (StateDescriptor<?, ?> descriptor : state.declared()) {
                if (cache != null) {
                    cache.forget(descriptor.getName());
                }
                dropForAllKeys(descriptor);
            }
        }

        /**
         * Calls {@link PatternProgram#onEventTimeStalled} for every key with state of this program.
         * The keys are collected first (the state backend's key iterator must not see the state
         * change under it), after the cache has written every change, so that none is missed.
         */
        void tellStalled() throws Exception {
            if (cache != null) {
                cache.flush();
            }
            Set<String> keys = new LinkedHashSet<>();
            for (StateDescriptor<?, ?> descriptor : state.declared()) {
                try (Stream<String> stored =
                        PatternEngineOperator.this
                                .<String>getKeyedStateBackend()
                                .getKeys(descriptor.getName(), VoidNamespace.INSTANCE)) {
                    stored.forEach(keys::add);
                }
            }
            Object before = getCurrentKey();
            for (String key : keys) {
                setCurrentKey(key);
                program.onEventTimeStalled(this);
            }
            if (before != null) {
                setCurrentKey(before);
            }
        }

        private <S extends State, T> void dropForAllKeys(StateDescriptor<S, T> descriptor)
                throws Exception {
            getKeyedStateBackend()
                    .applyToAllKeys(
                            VoidNamespace.INSTANCE,
                            VoidNamespaceSerializer.INSTANCE,
                            descriptor,
                            (key, state) -> state.clear());
        }

        @Override
        public KeyedStateStore state() {
            return state;
        }

        @Override
        public RuntimeContext runtimeContext() {
            return getRuntimeContext();
        }

        @Override
        public String currentKey() {
            return (String) getCurrentKey();
        }

        @Override
        public long currentWatermark() {
            return timers.currentWatermark();
        }

        @Override
        public long currentProcessingTime() {
            return timers.currentProcessingTime();
        }

        @Override
        public long latestEventTime() {
            return latestEventTime;
        }

        @Override
        public long eventTimeMovedAt() {
            return eventTimeMovedAt;
        }

        @Override
        public void registerEventTimeTimer(long timestamp) {
            timers.registerEventTimeTimer(scope, timestamp);
        }

        @Override
        public void deleteEventTimeTimer(long timestamp) {
            timers.deleteEventTimeTimer(scope, timestamp);
        }

        @Override
        public void registerProcessingTimeTimer(long timestamp) {
            timers.registerProcessingTimeTimer(scope, timestamp);
        }

        @Override
        public void deleteProcessingTimeTimer(long timestamp) {
            timers.deleteProcessingTimeTimer(scope, timestamp);
        }

        @Override
        public void emit(Alert alert, long timestamp) {
            output.collect(ALERTS, new StreamRecord<>(alert, timestamp));
        }
    }
}
