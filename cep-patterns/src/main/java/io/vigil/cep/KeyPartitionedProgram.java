package io.vigil.cep;

import io.vigil.cep.config.KeySelector;
import io.vigil.cep.engine.PatternKeying;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.cep.engine.ProgramContext;
import io.vigil.model.SensorReading;
import java.util.List;

/**
 * One variant of a pattern with overrides: the pattern's own values, or one override's, hosted as a
 * program of its own that watches only the keys whose most specific matching override is its own
 * (none, for the pattern's own values). The variants of a pattern divide its keys between them, so
 * each key is watched by exactly one; the alerts carry the pattern's name.
 *
 * <p>The engine scopes state by program name and fingerprint: a variant's name is the pattern's
 * name (its own values) or the name followed by the override's selector; its fingerprint adds the
 * selectors of all of the pattern's overrides to the hosted program's. So changing an override's
 * values restarts only that variant's state, while adding, removing or changing a selector, which
 * moves keys between variants, restarts every variant of the pattern.
 */
final class KeyPartitionedProgram implements PatternProgram {

    private static final long serialVersionUID = 1L;

    private final PatternProgram program;
    private final String name;
    private final List<KeySelector> partition;
    private final KeySelector own;

    /**
     * @param program the program with the variant's values
     * @param partition the selectors of all of the pattern's overrides
     * @param own the variant's selector, {@code null} for the pattern's own values
     */
    KeyPartitionedProgram(PatternProgram program, List<KeySelector> partition, KeySelector own) {
        this.program = program;
        this.name = own == null ? program.name() : program.name() + "[" + own + "]";
        this.partition = partition.stream().sorted(KeySelector.MOST_SPECIFIC_FIRST).toList();
        this.own = own;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String fingerprint() {
        return program.fingerprint()
                + ", keys of "
                + (own == null ? "no override" : own)
                + " among "
                + partition;
    }

    @Override
    public PatternKeying keying() {
        return program.keying();
    }

    @Override
    public boolean watches(SensorReading reading) {
        return program.watches(reading) && owns(reading);
    }

    /** Whether the most specific selector that matches the key is this variant's. */
    private boolean owns(SensorReading reading) {
        for (KeySelector selector : partition) {
            if (selector.matches(reading.site(), reading.device(), reading.metric())) {
                return selector.equals(own);
            }
        }
        return own == null;
    }

    @Override
    public void open(ProgramContext context) throws Exception {
        program.open(context);
    }

    @Override
    public void onArrival(SensorReading reading, ProgramContext context) throws Exception {
        program.onArrival(reading, context);
    }

    @Override
    public void onExpected(SensorReading since, ProgramContext context) throws Exception {
        program.onExpected(since, context);
    }

    @Override
    public void onNoLongerExpected(ProgramContext context) throws Exception {
        program.onNoLongerExpected(context);
    }

    @Override
    public void onReading(SensorReading reading, ProgramContext context) throws Exception {
        program.onReading(reading, context);
    }

    @Override
    public void onEventTime(long timestamp, ProgramContext context) throws Exception {
        program.onEventTime(timestamp, context);
    }

    @Override
    public void onProcessingTime(long timestamp, ProgramContext context) throws Exception {
        program.onProcessingTime(timestamp, context);
    }

    @Override
    public long stallMillis() {
        return program.stallMillis();
    }

    @Override
    public void onEventTimeStalled(ProgramContext context) throws Exception {
        program.onEventTimeStalled(context);
    }

    @Override
    public void close() throws Exception {
        program.close();
    }
}
