package io.vigil.cep;

import io.vigil.cep.engine.PatternEngineOperator;
import io.vigil.cep.engine.PatternProgram;
import java.io.Serializable;

/**
 * One configured pattern that watches keyed sensor readings in event time and raises alerts.
 *
 * <p>A pattern runs as a {@link PatternProgram} inside {@link PatternEngineOperator}, which hands
 * it the readings of each key {@code (site, device, metric)} it watches in event-time order, with
 * late readings already removed. Its state is scoped by its name, so that it survives a restart
 * from a savepoint as long as the pattern's name stays the same.
 *
 * <pre>{@code
 * AlertPattern pattern = AlertPatterns.of(spec);
 * PatternProgram program = pattern.program();
 * }</pre>
 */
public interface AlertPattern extends Serializable {

    /** The pattern's unique name from its config file; also the scope of its state. */
    String name();

    /** The per-key logic of this pattern, for the engine to host. */
    PatternProgram program();
}
