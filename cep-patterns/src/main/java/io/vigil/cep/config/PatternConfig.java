package io.vigil.cep.config;

import java.io.Serializable;
import java.util.List;

/** All patterns loaded from one or more pattern config files, validated and with unique names. */
public record PatternConfig(List<PatternSpec> patterns) implements Serializable {

    public PatternConfig {
        patterns = List.copyOf(patterns);
    }
}
