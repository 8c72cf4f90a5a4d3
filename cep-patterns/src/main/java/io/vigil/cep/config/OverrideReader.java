package io.vigil.cep.config;

import io.vigil.cep.config.YamlNode.Field;
import io.vigil.cep.config.YamlNode.Mapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a pattern's {@code overrides}: each entry selects keys by site, device and metric globs and
 * gives other values for some of the pattern's fields.
 */
final class OverrideReader {

    static final String SITE = "site";
    static final String DEVICE = "device";
    static final String METRIC = "metric";

    static final List<String> SELECTORS = List.of(SITE, DEVICE, METRIC);

    /** What an override may not change: what the pattern is, rather than its values. */
    private static final List<String> FIXED =
            List.of(
                    PatternConfigLoader.NAME,
                    PatternConfigLoader.TYPE,
                    PatternConfigLoader.METRICS,
                    PatternConfigLoader.OVERRIDES);

    private OverrideReader() {}

    /**
     * The pattern's overrides, in list order; empty when it has none or any of them has an error
     * (reported through {@code fields}).
     *
     * @param fields the pattern's fields
     * @param reader the reader of the pattern's type; empty when the type is wrong
     * @param base the pattern as read; empty when it has an error, and then the overrides' values
     *     are not checked (only their selectors and field names)
     */
    static List<PatternOverride> read(
            FieldReader fields,
            Optional<PatternReader> reader,
            List<String> metrics,
            Optional<PatternSpec> base,
            FileErrors fileErrors) {
        if (reader.isPresent() && !reader.get().hasOverrides()) {
            return List.of(); // the loader has reported any overrides of such a pattern
        }
        String owner =
                reader.map(r -> String.format("an override of a '%s' pattern", r.type()))
                        .orElse("an override");
        List<FieldReader> entries =
                fields.mappings(PatternConfigLoader.OVERRIDES, false, owner).orElse(List.of());
        int errorsBefore = fileErrors.count();
        List<PatternOverride> overrides = new ArrayList<>();
        List<KeySelector> selectors = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            FieldReader entry = entries.get(i);
            Optional<KeySelector> selector = selector(entry, metrics);
            for (int earlier = 0; earlier < selectors.size(); earlier++) {
                KeySelector other = selectors.get(earlier);
                if (selector.isPresent()
                        && other != null
                        && selector.get().equallySpecific(other)
                        && selector.get().overlaps(other, metrics)) {
                    entry.entryError(
                            String.format(
                                    "as specific as overrides[%d] (line %d), and some key can"
                                            + " match both, so neither would win; make one of"
                                            + " them more specific (more of site, device and"
                                            + " metric, or more characters other than * and ?)",
                                    earlier + 1, entries.get(earlier).line()));
                }
            }
            selectors.add(selector.orElse(null));
            List<String> values = values(entry, reader);
            if (reader.isEmpty() || base.isEmpty() || values.isEmpty()) {
                continue;
            }
            Optional<PatternSpec> spec =
                    spec(entry, reader.get(), fields.mapping(), base.get(), values);
            if (spec.isPresent() && selector.isPresent()) {
                overrides.add(
                        new PatternOverride(
                                base.get().name(),
                                i + 1,
                                selector.get(),
                                spec.get(),
                                values,
                                fileErrors.file() + ":" + entry.line()));
            }
        }
        return fileErrors.count() == errorsBefore && overrides.size() == entries.size()
                ? overrides
                : List.of();
    }

    /** The selector of an entry: at least one of site, device, metric, each a glob. */
    private static Optional<KeySelector> selector(FieldReader entry, List<String> metrics) {
        List<String> globs = new ArrayList<>();
        boolean valid = true;
        for (String field : SELECTORS) {
            Optional<String> glob = entry.string(field, false);
            if (glob.isPresent() && !isGlob(glob.get())) {
                entry.error(
                        field,
                        String.format(
                                "\"%s\" is not a glob of one topic level: not blank, and without"
                                        + " '/', '+', '#' or spaces (use * and ?)",
                                glob.get()),
                        entry.line(field));
                valid = false;
            }
            valid &= glob.isPresent() || !entry.has(field);
            globs.add(glob.orElse(null));
        }
        if (!valid) {
            return Optional.empty();
        }
        KeySelector selector = new KeySelector(globs.get(0), globs.get(1), globs.get(2));
        if (selector.fields() == 0) {
            entry.entryError(
                    "selects no keys; give at least one of site, device and metric (globs with"
                            + " * and ?)");
            return Optional.empty();
        }
        if (selector.metric() != null
                && !metrics.isEmpty()
                && !metrics.contains(PatternSpec.ANY_METRIC)
                && metrics.stream().noneMatch(m -> KeySelector.matches(selector.metric(), m))) {
            entry.error(
                    METRIC,
                    String.format(
                            "\"%s\" matches none of the pattern's metrics (%s), so the override"
                                    + " could never apply",
                            selector.metric(), String.join(", ", metrics)),
                    entry.line(METRIC));
            return Optional.empty();
        }
        return Optional.of(selector);
    }

    private static boolean isGlob(String text) {
        return !text.isBlank() && !text.matches(".*[/+#\\s].*");
    }

    /**
     * Checks the entry's field names and returns the fields it gives values for; an entry that
     * gives none is reported.
     */
    private static List<String> values(FieldReader entry, Optional<PatternReader> reader) {
        Set<String> allowed = new LinkedHashSet<>(SELECTORS);
        allowed.add(PatternConfigLoader.SEVERITY);
        reader.ifPresent(r -> allowed.addAll(r.fields()));
        if (reader.isPresent()) {
            // The fixed fields get their own error below, not "unknown field".
            List<Field> others =
                    entry.mapping().fields().stream()
                            .filter(f -> !FIXED.contains(f.key()))
                            .toList();
            entry.reading(new Mapping(others, entry.line())).rejectUnknown(List.copyOf(allowed));
        }
        List<String> values = new ArrayList<>();
        for (Field field : entry.mapping().fields()) {
            if (FIXED.contains(field.key())) {
                entry.error(
                        field.key(),
                        "an override cannot change it: it changes the values of its pattern for"
                                + " some keys, not what the pattern is",
                        field.line());
            } else if (allowed.contains(field.key()) && !SELECTORS.contains(field.key())) {
                values.add(field.key());
            }
        }
        if (values.isEmpty() && reader.isPresent()) {
            entry.entryError(
                    String.format(
                            "sets no value; give at least one of: %s",
                            String.join(
                                    ", ",
                                    allowed.stream()
                                            .filter(f -> !SELECTORS.contains(f))
                                            .toList())));
        }
        return values;
    }

    /**
     * The pattern as it applies to the entry's keys: its fields, with those the entry gives (and
     * those they exclude, see {@link PatternReader#replacedBy}) replaced, read as a pattern of the
     * type is read; errors name the entry's fields.
     */
    private static Optional<PatternSpec> spec(
            FieldReader entry,
            PatternReader reader,
            Mapping pattern,
            PatternSpec base,
            List<String> values) {
        Set<String> replaced = new LinkedHashSet<>();
        values.forEach(v -> replaced.addAll(reader.replacedBy(v)));
        List<Field> merged = new ArrayList<>();
        for (Field field : pattern.fields()) {
            if (!replaced.contains(field.key())
                    && !field.key().equals(PatternConfigLoader.OVERRIDES)) {
                merged.add(field);
            }
        }
        for (Field field : entry.mapping().fields()) {
            if (values.contains(field.key())) {
                merged.add(field);
            }
        }
        FieldReader fields = entry.reading(new Mapping(List.copyOf(merged), entry.line()));
        String severity = base.severity();
        if (values.contains(PatternConfigLoader.SEVERITY)) {
            severity = fields.string(PatternConfigLoader.SEVERITY, true).orElse(severity);
            if (severity.isBlank()) {
                fields.error(
                        PatternConfigLoader.SEVERITY,
                        "must not be blank",
                        fields.line(PatternConfigLoader.SEVERITY));
                return Optional.empty();
            }
        }
        return reader.read(
                new PatternReader.Common(base.name(), severity, base.metrics(), base.alerting()),
                fields);
    }
}
