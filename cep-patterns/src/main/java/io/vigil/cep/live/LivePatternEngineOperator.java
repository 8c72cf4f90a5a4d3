package io.vigil.cep.live;

import io.vigil.aggregation.ReadingAggregateFunction;
import io.vigil.cep.AlertPatterns;
import io.vigil.cep.config.ExpectedKey;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.cep.engine.PatternKeying;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.SensorReading;
import io.vigil.model.WindowAggregate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.InstantiationUtil;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine with patterns that change while the job runs: readings on the first input, the
 * broadcast {@link PatternSetUpdate}s of a {@link PatternFileWatcher} on the second.
 *
 * <p>An update whose hash differs from the set in force is put in force on this subtask at once,
 * with the next version number: an unchanged pattern keeps its state, a changed one starts afresh,
 * a removed one's state is dropped, an added one starts with the next reading handed over (see
 * {@code PatternEngineOperator#install}). Readings the engine hands over after that (the watermark
 * passes them) are matched by the new set. An invalid update leaves the set in force as it is. The
 * set in force and its version are operator state, so a restore resumes with them; the watcher then
 * reports the files as they are, which puts a change made meanwhile in force.
 *
 * <p>Beside it, {@link #forDevices} is the engine keyed by device that hosts the patterns keyed by
 * device (sequences): it takes the same updates and puts the same sets in force, silently.
 *
 * <p>Subtask 0 of the engine keyed by sensor logs each change once (INFO accepted, WARN rejected
 * with the errors) and emits it as a {@link PatternChange} to {@link #CHANGES}; every subtask
 * reports the version in force in the gauge {@code patternSetVersion}. The second input carries no
 * event time: only the readings' watermarks drive the engine.
 */
public class LivePatternEngineOperator extends PatternEngineOperator
        implements TwoInputStreamOperator<SensorReading, PatternSetUpdate, WindowAggregate> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(LivePatternEngineOperator.class);

    public static final OutputTag<PatternChange> CHANGES =
            new OutputTag<>("pattern-changes", TypeInformation.of(PatternChange.class));

    public static final String PATTERN_SET_VERSION = "patternSetVersion";

    private final Configuration patternOptions;
    private final PatternConfig initial;
    private final String initialHash;

    private transient ListState<ActiveSet> activeState;
    private transient ActiveSet active;
    private transient String lastRejected;
    // The names of the patterns in force, for reports (programs have more, for overrides).
    private transient String names;

    /**
     * @param keying the keying of the engine: the patterns of that keying are hosted; the one keyed
     *     by sensor also computes the windows and reports the changes
     * @param initial the pattern set the job was started with
     * @param initialHash the hash of the files it was read from
     * @param patternOptions the pattern tunables ({@code PatternOptions}) for new patterns
     */
    public LivePatternEngineOperator(
            PatternKeying keying,
            PatternConfig initial,
            String initialHash,
            Configuration patternOptions,
            long windowMillis,
            String windowLabel,
            ReadingAggregateFunction aggregate) {
        super(
                keying,
                compile(initial, patternOptions),
                expectedKeys(initial),
                windowMillis,
                windowLabel,
                aggregate);
        this.patternOptions = patternOptions;
        this.initial = initial;
        this.initialHash = initialHash;
    }

    /**
     * The live engine keyed by device, beside the one keyed by sensor: it takes the same updates
     * and hosts the patterns keyed by device of each set; the sensor engine alone reports changes.
     */
    public static LivePatternEngineOperator forDevices(
            PatternConfig initial, String initialHash, Configuration patternOptions) {
        return new LivePatternEngineOperator(
                PatternKeying.DEVICE, initial, initialHash, patternOptions, 0, "", null);
    }

    @Override
    public LivePatternEngineOperator withStateCacheKeys(int keys) {
        super.withStateCacheKeys(keys);
        return this;
    }

    private static List<PatternProgram> compile(PatternConfig config, Configuration options) {
        return AlertPatterns.programs(config, options);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        activeState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "pattern-set", TypeInformation.of(ActiveSet.class)));
        ActiveSet restored = null;
        for (ActiveSet candidate : activeState.get()) {
            if (restored == null || candidate.version > restored.version) {
                restored = candidate;
            }
        }
        if (restored != null) {
            active = restored;
            PatternConfig config = restored.config();
            startWith(compile(config, patternOptions), expectedKeys(config));
            names = names(config);
        } else {
            active = ActiveSet.of(0, initialHash, initial);
            names = names(initial);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        getMetricGroup().gauge(PATTERN_SET_VERSION, () -> active.version);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // Every subtask holds the same set; one copy is enough for any parallelism on restore.
        activeState.update(
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                        ? List.of(active)
                        : List.of());
    }

    @Override
    public void processElement1(StreamRecord<SensorReading> element) throws Exception {
        processElement(element);
    }

    @Override
    public void processElement2(StreamRecord<PatternSetUpdate> element) throws Exception {
        PatternSetUpdate update = element.getValue();
        if (update.hash.equals(active.hash)) {
            return;
        }
        String error = update.error;
        List<PatternProgram> next = null;
        PatternConfig config = null;
        if (error == null) {
            try {
                config =
                        InstantiationUtil.deserializeObject(
                                update.patterns, getUserCodeClassloader());
                next = compile(config, patternOptions);
            } catch (Exception | LinkageError e) {
                error = "cannot build the patterns: " + e;
            }
        }
        if (error != null) {
            if (!update.hash.equals(lastRejected)) {
                lastRejected = update.hash;
                report(false, update, error);
            }
            return;
        }
        install(next, expectedKeys(config));
        active = ActiveSet.of(active.version + 1, update.hash, config);
        names = names(config);
        lastRejected = null;
        report(true, update, null);
    }

    private void report(boolean accepted, PatternSetUpdate update, String error) {
        if (keying() != PatternKeying.SENSOR
                || getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() != 0) {
            return;
        }
        if (accepted) {
            LOG.info(
                    "Pattern set version {} from {} (hash {}) is in force: {}",
                    active.version,
                    update.source,
                    update.hash,
                    names);
        } else {
            LOG.warn(
                    "Pattern files {} (hash {}) rejected; version {} stays in force:\n{}",
                    update.source,
                    update.hash,
                    active.version,
                    error);
        }
        output.collect(
                CHANGES,
                new StreamRecord<>(
                        new PatternChange(
                                active.version,
                                update.hash,
                                accepted,
                                error,
                                names,
                                getProcessingTimeService().getCurrentProcessingTime())));
    }

    private static List<String> expectedKeys(PatternConfig config) {
        return config.expected().stream().map(ExpectedKey::key).toList();
    }

    private static String names(PatternConfig config) {
        return config.patterns().stream().map(PatternSpec::name).collect(Collectors.joining(","));
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void processWatermark2(Watermark mark) {
        // Pattern updates carry no event time.
    }

    /** The pattern set in force, as operator state: a POJO, serialized without Kryo. */
    public static final class ActiveSet {
        public long version;
        public String hash;
        public byte[] patterns;

        public ActiveSet() {}

        static ActiveSet of(long version, String hash, PatternConfig config) {
            ActiveSet set = new ActiveSet();
            set.version = version;
            set.hash = hash;
            try {
                set.patterns = config == null ? null : InstantiationUtil.serializeObject(config);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("A pattern config is serializable", e);
            }
            return set;
        }

        PatternConfig config() throws Exception {
            return InstantiationUtil.deserializeObject(
                    patterns, Thread.currentThread().getContextClassLoader());
        }
    }
}
