package io.vigil.cep;

import io.vigil.cep.config.PatternSpec;

/** An {@link AlertPattern} built from one spec, whose name it carries. */
abstract class SpecPattern<S extends PatternSpec> implements AlertPattern {

    private static final long serialVersionUID = 1L;

    final S spec;

    SpecPattern(S spec) {
        this.spec = spec;
    }

    @Override
    public final String name() {
        return spec.name();
    }
}
