package io.vigil.cep.config;

import java.io.Serializable;
import java.util.List;

/**
 * One entry of a pattern's {@code overrides}: the keys it selects and the pattern as it applies to
 * them, with the override's values in place of the pattern's.
 *
 * @param pattern the name of the pattern it belongs to
 * @param position its 1-based position in the pattern's {@code overrides} list
 * @param selector the keys it applies to, when it is the most specific override that matches
 * @param spec the pattern with the override's values: same name, type and metrics
 * @param fields the fields the override sets, e.g. {@code [threshold]}
 * @param origin where it is written, {@code FILE:LINE}
 */
public record PatternOverride(
        String pattern,
        int position,
        KeySelector selector,
        PatternSpec spec,
        List<String> fields,
        String origin)
        implements Serializable {

    public PatternOverride {
        fields = List.copyOf(fields);
    }

    /** {@code overrides[N]}, as errors and {@code ./vigil validate --explain} name it. */
    public String label() {
        return PatternConfigLoader.OVERRIDES + "[" + position + "]";
    }
}
