package io.vigil.cep.config;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * All patterns loaded from one or more pattern config files, validated and with unique names; the
 * overrides of the patterns (each pattern's in file order) and the expected keys.
 */
public record PatternConfig(
        List<PatternSpec> patterns, List<PatternOverride> overrides, List<ExpectedKey> expected)
        implements Serializable {

    public PatternConfig {
        // A set serialized before overrides and expected keys existed has neither.
        patterns = List.copyOf(patterns);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        expected = expected == null ? List.of() : List.copyOf(expected);
    }

    /** Patterns without overrides or expected keys. */
    public PatternConfig(List<PatternSpec> patterns) {
        this(patterns, List.of(), List.of());
    }

    /** The overrides of the named pattern, in file order. */
    public List<PatternOverride> overridesOf(String pattern) {
        return overrides.stream().filter(o -> o.pattern().equals(pattern)).toList();
    }

    /**
     * The override of {@code pattern} that applies to the key: the most specific one that matches
     * it (see {@link KeySelector}); empty when none matches and the pattern's own values apply.
     */
    public Optional<PatternOverride> overrideFor(
            String pattern, String site, String device, String metric) {
        return overridesOf(pattern).stream()
                .sorted(
                        Comparator.comparing(
                                PatternOverride::selector, KeySelector.MOST_SPECIFIC_FIRST))
                .filter(o -> o.selector().matches(site, device, metric))
                .findFirst();
    }
}
