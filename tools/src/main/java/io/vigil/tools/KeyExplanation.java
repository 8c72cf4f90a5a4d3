package io.vigil.tools;

import io.vigil.cep.config.Durations;
import io.vigil.cep.config.ExpectedKey;
import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternOverride;
import io.vigil.cep.config.PatternSpec;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ./vigil validate --explain SITE/DEVICE/METRIC} prints: for each pattern that watches
 * the key, the values in force for it and where each comes from, and whether the key is expected.
 */
final class KeyExplanation {

    private KeyExplanation() {}

    /**
     * The lines of the explanation.
     *
     * @param byFile each file's patterns, as loaded with {@code config}
     */
    static List<String> lines(
            PatternConfig config, Map<Path, List<PatternSpec>> byFile, String key) {
        String[] levels = key.split("/", -1);
        List<String> lines = new ArrayList<>();
        lines.add(key + ":");
        boolean watched = false;
        for (Map.Entry<Path, List<PatternSpec>> file : byFile.entrySet()) {
            for (PatternSpec pattern : file.getValue()) {
                if (!pattern.appliesTo(levels[2])) {
                    continue;
                }
                watched = true;
                Optional<PatternOverride> override =
                        config.overrideFor(pattern.name(), levels[0], levels[1], levels[2]);
                lines.add(
                        String.format(
                                "  %s (%s, %s): %s",
                                pattern.name(),
                                pattern.type(),
                                file.getKey(),
                                override.map(
                                                o ->
                                                        String.format(
                                                                "%s at %s (%s) applies",
                                                                o.label(),
                                                                o.origin(),
                                                                o.selector()))
                                        .orElse("the pattern's own values apply")));
                PatternSpec inForce = override.map(PatternOverride::spec).orElse(pattern);
                for (RecordComponent component : inForce.getClass().getRecordComponents()) {
                    String field = fieldName(component.getName());
                    Object value = value(component, inForce);
                    if (value == null || field.equals("name") || field.equals("metrics")) {
                        continue;
                    }
                    lines.add(
                            String.format(
                                    "    %s: %s%s",
                                    field,
                                    text(value),
                                    override.filter(o -> o.fields().contains(field))
                                            .map(o -> "   (" + o.label() + ")")
                                            .orElse("")));
                }
            }
        }
        if (!watched) {
            lines.add("  no pattern watches metric '" + levels[2] + "'");
        }
        lines.add(
                config.expected().stream()
                        .filter(e -> e.key().equals(key))
                        .findFirst()
                        .map(ExpectedKey::origin)
                        .map(origin -> "  expected: yes, listed at " + origin)
                        .orElse("  expected: no"));
        return lines;
    }

    /** {@code minEvents} as the files write it: {@code min-events}. */
    private static String fieldName(String component) {
        return component.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    private static Object value(RecordComponent component, PatternSpec spec) {
        try {
            return component.getAccessor().invoke(spec);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("A record's accessor is public", e);
        }
    }

    private static String text(Object value) {
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        if (value instanceof Double number && number == Math.rint(number)) {
            return String.valueOf(number.longValue());
        }
        return String.valueOf(value);
    }
}
