package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;
import io.vigil.cep.engine.PatternProgram;
import io.vigil.model.SensorReading;

/**
 * The {@link PatternProgram} of a {@link SpecPattern}: its name, its fingerprint (the spec's
 * settings) and the readings it watches (those of the spec's metrics) come from the spec. A program
 * whose state also depends on settings outside the spec adds them to {@link #fingerprint()}.
 */
abstract class SpecProgram<S extends PatternSpec> implements PatternProgram {

    private static final long serialVersionUID = 1L;

    final S spec;

    SpecProgram(SpecPattern<S> pattern) {
        this.spec = pattern.spec;
    }

    @Override
    public final String name() {
        return spec.name();
    }

    @Override
    public String fingerprint() {
        return spec.toString();
    }

    @Override
    public final boolean watches(SensorReading reading) {
        return spec.appliesTo(reading.metric());
    }
}
