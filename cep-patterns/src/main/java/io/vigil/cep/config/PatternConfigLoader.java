package io.vigil.cep.config;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.YamlNode.Mapping;
import io.vigil.cep.config.YamlNode.Scalar;
import io.vigil.cep.config.YamlNode.ScalarKind;
import io.vigil.cep.config.YamlNode.Sequence;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads and validates pattern config files (YAML) into a {@link PatternConfig}, collecting every
 * error of every file before it fails, so that a user can fix them all in one go.
 *
 * <pre>{@code
 * PatternConfig config =
 *         PatternConfigLoader.load(Path.of("cep-patterns/patterns/default.yaml"));
 * for (PatternSpec spec : config.patterns()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>A path may also name a directory: its {@code *.yaml} and {@code *.yml} files are loaded in
 * name order, hidden files left out (so that a mounted Kubernetes ConfigMap can be given as is).
 *
 * <p>The class is long (about 620 lines) because one loading holds every file's errors and the
 * checks across files (unique names, expected keys, overrides, the fingerprint) until the end;
 * reading the fields of each pattern type is in its own reader ({@code BurstReader}, {@code
 * SequenceReader}, ...) and typed field access in {@link FieldReader}.
 */
public final class PatternConfigLoader {

    /** The severity of a pattern that does not set one. */
    public static final String DEFAULT_SEVERITY = "warning";

    /** The tolerance of a drift pattern that does not set one: each reading at least the last. */
    public static final double DEFAULT_TOLERANCE = 0.0;

    /** One reader per pattern type, in the order the docs list the types. */
    private static final List<PatternReader> READERS =
            List.of(
                    new BurstReader(),
                    new DriftReader(),
                    new SilenceReader(),
                    new RateReader(),
                    new FlatlineReader(),
                    new SequenceReader());

    /** The pattern types a file may use, in the order the docs list them. */
    public static final List<String> TYPES = READERS.stream().map(PatternReader::type).toList();

    static final String PATTERNS = "patterns";
    static final String NAME = "name";
    static final String TYPE = "type";
    static final String METRICS = "metrics";
    static final String SEVERITY = "severity";
    static final String OVERRIDES = "overrides";
    static final String EXPECTED = "expected";
    static final String CLEAR_FOR = "clear-for";
    static final String COOLDOWN = "cooldown";
    static final String REPEAT_AFTER = "repeat-after";
    static final String ESCALATE_AFTER = "escalate-after";
    static final String ESCALATE_TO = "escalate-to";

    private static final List<String> COMMON_FIELDS = List.of(NAME, TYPE, METRICS, SEVERITY);

    /** What a pattern is rather than its values: left out of {@link #explain}. */
    private static final List<String> FIXED_FIELDS = List.of(NAME, TYPE, METRICS, OVERRIDES);

    /** How every pattern's alerts live; listed after the fields of the pattern's type. */
    private static final List<String> ALERT_FIELDS =
            List.of(CLEAR_FOR, COOLDOWN, REPEAT_AFTER, ESCALATE_AFTER, ESCALATE_TO);

    /** Names become an InfluxDB tag and an MQTT topic level ({@code alerts/.../{pattern}}). */
    private static final Pattern NAME_SYNTAX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** One level of an expected key: an MQTT topic level, and no glob either. */
    private static final Pattern KEY_LEVEL = Pattern.compile("[^\\s+#*?/]+");

    private PatternConfigLoader() {}

    /** Loads the given files (or directories) as one config; see {@link #load(List)}. */
    public static PatternConfig load(Path... files) throws PatternConfigException {
        return load(List.of(files));
    }

    /**
     * Loads the given files (or directories) as one config, patterns in file order.
     *
     * @throws PatternConfigException with every error of every file
     * @throws IllegalArgumentException when no file is given
     */
    public static PatternConfig load(List<Path> files) throws PatternConfigException {
        Loading loading = loading(files);
        return new PatternConfig(
                loading.byFile.values().stream().flatMap(List::stream).toList(),
                loading.overrides,
                loading.expected);
    }

    /**
     * Loads the given files (or directories) as one config, as {@link #load(List)} does, and
     * returns each file's patterns, in file order; a directory is replaced by its files.
     *
     * @throws PatternConfigException with every error of every file
     * @throws IllegalArgumentException when no file is given
     */
    public static Map<Path, List<PatternSpec>> loadByFile(List<Path> files)
            throws PatternConfigException {
        return Collections.unmodifiableMap(loading(files).byFile);
    }

    private static Loading loading(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("No pattern config file given");
        }
        Loading loading = new Loading();
        files.forEach(loading::fileOrDirectory);
        if (loading.errors.isEmpty()) {
            loading.checkWhole(files);
        }
        if (!loading.errors.isEmpty()) {
            throw new PatternConfigException(loading.errors);
        }
        return loading;
    }

    /**
     * A hash of what {@link #load(List)} would read from {@code paths} now: the names and contents
     * of the files they name (a directory's pattern files, a symlink's target). Equal hashes mean
     * equal pattern sets; a file that cannot be read counts as its error.
     */
    public static String fingerprint(List<Path> paths) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        for (Path path : paths) {
            List<ConfigError> errors = new ArrayList<>();
            for (Path file : PatternFiles.expand(path, errors)) {
                digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try {
                    digest.update(Files.readAllBytes(file));
                } catch (IOException e) {
                    digest.update(e.toString().getBytes(StandardCharsets.UTF_8));
                }
                digest.update((byte) 0);
            }
            errors.forEach(e -> digest.update(e.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 12);
    }

    /** The state of one call: the errors so far and the names already taken. */
    private static final class Loading {

        private final List<ConfigError> errors = new ArrayList<>();
        private final Map<Path, List<PatternSpec>> byFile = new LinkedHashMap<>();
        private final Map<String, String> nameOrigins = new HashMap<>();
        private final List<PatternOverride> overrides = new ArrayList<>();
        private final List<ExpectedKey> expected = new ArrayList<>();
        private final Map<String, ExpectedKey> expectedByKey = new HashMap<>();
        // For --explain: the values as written, of each pattern (by name) and each override (by
        // its FILE:LINE), and each pattern's reader.
        private final Map<String, Map<String, String>> written = new HashMap<>();
        private final Map<String, PatternReader> readers = new HashMap<>();

        void fileOrDirectory(Path path) {
            PatternFiles.expand(path, errors).forEach(this::file);
        }

        void file(Path file) {
            FileErrors fileErrors = new FileErrors(file);
            List<PatternSpec> specs = new ArrayList<>();
            PatternFiles.read(file, fileErrors)
                    .ifPresent(root -> patterns(root, fileErrors, specs));
            errors.addAll(fileErrors.inLineOrder());
            byFile.put(file, List.copyOf(specs));
        }

        private void patterns(YamlNode root, FileErrors fileErrors, List<PatternSpec> specs) {
            if (!(root instanceof Mapping top)) {
                fileErrors.add(
                        null,
                        null,
                        "must be a mapping with a top-level 'patterns' list, found "
                                + root.describe(),
                        root.line());
                return;
            }
            FieldReader fields = new FieldReader(top, fileErrors, null, "a pattern file");
            fields.rejectUnknown(List.of(PATTERNS, EXPECTED));
            expected(fields, fileErrors);
            boolean required = !fields.has(EXPECTED) && !fields.misspelt(EXPECTED);
            Optional<YamlNode> list = fields.value(PATTERNS, required);
            if (list.isEmpty()) {
                return;
            }
            if (!(list.get() instanceof Sequence entries)) {
                fields.error(
                        PATTERNS,
                        "must be a list of patterns, found " + list.get().describe(),
                        list.get().line());
                return;
            }
            if (entries.items().isEmpty()) {
                fields.error(
                        PATTERNS,
                        "is empty; a pattern file must define at least one pattern",
                        entries.line());
            }
            for (int i = 0; i < entries.items().size(); i++) {
                pattern(entries.items().get(i), i + 1, fileErrors).ifPresent(specs::add);
            }
        }

        /** The file's {@code expected} keys, each {@code site/device/metric}, once in all files. */
        private void expected(FieldReader fields, FileErrors fileErrors) {
            Optional<YamlNode> value = fields.value(EXPECTED, false);
            if (value.isEmpty()) {
                return;
            }
            if (!(value.get() instanceof Sequence list)) {
                fields.error(
                        EXPECTED,
                        "must be a list of keys site/device/metric, found "
                                + value.get().describe(),
                        value.get().line());
                return;
            }
            for (YamlNode item : list.items()) {
                if (!(item instanceof Scalar s) || s.kind() != ScalarKind.STRING) {
                    fields.error(
                            EXPECTED,
                            "each entry must be a key site/device/metric (a string), found "
                                    + item.describe(),
                            item.line());
                    continue;
                }
                String[] levels = s.text().split("/", -1);
                if (levels.length != 3
                        || Stream.of(levels)
                                .anyMatch(l -> l.isEmpty() || !KEY_LEVEL.matcher(l).matches())) {
                    fields.error(
                            EXPECTED,
                            String.format(
                                    "\"%s\" is not a key site/device/metric: three topic levels,"
                                            + " none empty, without spaces, '+', '#', '*' or '?'",
                                    s.text()),
                            s.line());
                    continue;
                }
                ExpectedKey key =
                        new ExpectedKey(
                                levels[0],
                                levels[1],
                                levels[2],
                                fileErrors.file().toString(),
                                s.line());
                ExpectedKey first = expectedByKey.putIfAbsent(key.key(), key);
                if (first != null) {
                    fields.error(
                            EXPECTED,
                            String.format(
                                    "\"%s\" is listed twice, first at %s",
                                    s.text(), first.origin()),
                            s.line());
                } else {
                    expected.add(key);
                }
            }
        }

        /** Checks what concerns all files together, once each file is valid. */
        void checkWhole(List<Path> paths) {
            List<PatternSpec> specs = byFile.values().stream().flatMap(List::stream).toList();
            if (specs.isEmpty()) {
                errors.add(
                        new ConfigError(
                                paths.get(0),
                                null,
                                null,
                                "no patterns in any of the files; give at least one under"
                                        + " 'patterns'"));
                return;
            }
            for (ExpectedKey key : expected) {
                boolean watched =
                        specs.stream()
                                .anyMatch(
                                        spec ->
                                                spec instanceof SilenceSpec
                                                        && spec.appliesTo(key.metric()));
                if (!watched) {
                    errors.add(
                            new ConfigError(
                                    Path.of(key.file()),
                                    null,
                                    EXPECTED,
                                    String.format(
                                            "\"%s\" is watched by no silence pattern (none has"
                                                    + " metric '%s' or \"*\"), so it could never"
                                                    + " raise an alert (line %d)",
                                            key.key(), key.metric(), key.line())));
                }
            }
        }

        private Optional<PatternSpec> pattern(YamlNode entry, int position, FileErrors fileErrors) {
            String id = "#" + position;
            if (!(entry instanceof Mapping mapping)) {
                fileErrors.add(
                        id,
                        null,
                        "must be a mapping of fields (name, type, metrics, ...), found "
                                + entry.describe(),
                        entry.line());
                return Optional.empty();
            }
            int errorsBefore = fileErrors.count();
            // Peeked before the checks, so that every error names the pattern, and unknown fields
            // are judged against the fields of its type.
            Optional<String> name =
                    FieldReader.text(mapping, NAME).filter(NAME_SYNTAX.asMatchPredicate());
            Optional<PatternReader> reader =
                    FieldReader.text(mapping, TYPE).flatMap(PatternConfigLoader::reader);
            FieldReader fields =
                    new FieldReader(
                            mapping,
                            fileErrors,
                            name.orElse(id),
                            reader.map(r -> String.format("a '%s' pattern", r.type()))
                                    .orElse("a pattern"));
            List<String> allowed = allowedFields(reader);
            if (reader.isPresent() && !reader.get().hasOverrides() && fields.has(OVERRIDES)) {
                fields.error(
                        OVERRIDES,
                        String.format(
                                "a '%s' pattern has no overrides: it matches across the metrics of"
                                        + " each device, and its steps and window are the same"
                                        + " for every device",
                                reader.get().type()),
                        fields.line(OVERRIDES));
                // Reported here, so not once more as an unknown field.
                allowed = new ArrayList<>(allowed);
                allowed.add(OVERRIDES);
            }
            fields.rejectUnknown(allowed);
            checkName(name, fields, fileErrors);
            Optional<String> givenType = fields.string(TYPE, true);
            if (givenType.isPresent() && reader.isEmpty()) {
                fields.error(
                        TYPE,
                        String.format(
                                "unknown pattern type '%s'; known types: %s",
                                givenType.get(), String.join(", ", TYPES)),
                        fields.line(TYPE));
            }
            List<String> metrics =
                    reader.map(PatternReader::hasMetrics).orElse(true)
                            ? fields.metrics(METRICS)
                            : List.of();
            String severity = fields.string(SEVERITY, false).orElse(DEFAULT_SEVERITY);
            if (severity.isBlank()) {
                fields.error(SEVERITY, "must not be blank", fields.line(SEVERITY));
            }
            // A pattern without a valid name has had its error reported, so the spec that carries
            // its position instead is dropped below with every other pattern that has an error.
            PatternReader.Common common =
                    new PatternReader.Common(
                            name.orElse(id), severity, metrics, alerting(fields, severity));
            Optional<PatternSpec> spec =
                    reader.flatMap(r -> r.read(common, fields))
                            .filter(s -> fileErrors.count() == errorsBefore);
            List<PatternOverride> patternOverrides =
                    OverrideReader.read(fields, reader, metrics, spec, fileErrors);
            if (fileErrors.count() != errorsBefore) {
                return Optional.empty();
            }
            overrides.addAll(patternOverrides);
            if (spec.isPresent()) {
                written.put(spec.get().name(), written(mapping, FIXED_FIELDS));
                readers.put(spec.get().name(), reader.get());
                // Valid, so reading the list again reports nothing.
                for (FieldReader override :
                        fields.mappings(OVERRIDES, false, "an override").orElse(List.of())) {
                    written.put(
                            fileErrors.file() + ":" + override.line(),
                            written(override.mapping(), OverrideReader.SELECTORS));
                }
            }
            return spec;
        }

        /** The alert lifecycle fields every pattern has; errors are reported through fields. */
        private AlertSettings alerting(FieldReader fields, String severity) {
            Duration clearFor = fields.optionalDuration(CLEAR_FOR).orElse(Duration.ZERO);
            Duration cooldown = fields.optionalDuration(COOLDOWN).orElse(Duration.ZERO);
            Duration repeatAfter = fields.optionalDuration(REPEAT_AFTER).orElse(null);
            Duration escalateAfter = fields.optionalDuration(ESCALATE_AFTER).orElse(null);
            String escalateTo = fields.string(ESCALATE_TO, false).orElse(null);
            if (escalateTo != null && escalateTo.isBlank()) {
                fields.error(ESCALATE_TO, "must not be blank", fields.line(ESCALATE_TO));
                return AlertSettings.DEFAULTS;
            }
            if (fields.has(ESCALATE_AFTER) != fields.has(ESCALATE_TO)) {
                String missing = fields.has(ESCALATE_AFTER) ? ESCALATE_TO : ESCALATE_AFTER;
                String given = fields.has(ESCALATE_AFTER) ? ESCALATE_AFTER : ESCALATE_TO;
                fields.error(
                        missing,
                        String.format(
                                "missing; '%s' and '%s' go together (after how long the alert"
                                        + " takes which severity)",
                                ESCALATE_AFTER, ESCALATE_TO),
                        fields.line(given));
                return AlertSettings.DEFAULTS;
            }
            if (escalateTo != null && escalateTo.equals(severity)) {
                fields.error(
                        ESCALATE_TO,
                        String.format(
                                "is the pattern's severity '%s' already; name the severity the"
                                        + " alert escalates to",
                                severity),
                        fields.line(ESCALATE_TO));
                return AlertSettings.DEFAULTS;
            }
            if (escalateAfter == null && fields.has(ESCALATE_AFTER)) {
                return AlertSettings.DEFAULTS; // reported by optionalDuration
            }
            return new AlertSettings(
                    clearFor,
                    cooldown,
                    repeatAfter,
                    escalateAfter,
                    escalateAfter == null ? null : escalateTo);
        }

        /** Reports a name that is missing, not a string, malformed or already taken. */
        private void checkName(Optional<String> name, FieldReader fields, FileErrors fileErrors) {
            Optional<String> givenName = fields.string(NAME, true);
            if (givenName.isPresent() && name.isEmpty()) {
                fields.error(
                        NAME,
                        String.format(
                                "must start with a letter or digit and hold only letters,"
                                        + " digits, '.', '_' and '-' (it becomes an InfluxDB tag"
                                        + " and an MQTT topic level), found \"%s\"",
                                givenName.get()),
                        fields.line(NAME));
            }
            if (name.isPresent()) {
                String origin =
                        nameOrigins.putIfAbsent(
                                name.get(),
                                String.format(
                                        "%s (line %d)", fileErrors.file(), fields.line(NAME)));
                if (origin != null) {
                    fields.error(
                            NAME,
                            "duplicate pattern name; it is already defined in " + origin,
                            fields.line(NAME));
                }
            }
        }
    }

    /** The fields of a mapping other than {@code leaveOut}, as written, in file order. */
    private static Map<String, String> written(Mapping mapping, List<String> leaveOut) {
        Map<String, String> values = new LinkedHashMap<>();
        for (YamlNode.Field field : mapping.fields()) {
            if (!leaveOut.contains(field.key())) {
                values.put(field.key(), text(field.value()));
            }
        }
        return values;
    }

    private static String text(YamlNode value) {
        if (value instanceof Scalar scalar) {
            return scalar.kind() == ScalarKind.STRING && scalar.text().isEmpty()
                    ? "\"\""
                    : scalar.text();
        }
        if (value instanceof Sequence list) {
            return list.items().stream()
                    .map(PatternConfigLoader::text)
                    .collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Mapping mapping) {
            return mapping.fields().stream()
                    .map(field -> field.key() + ": " + text(field.value()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return value.describe();
    }

    /**
     * What {@code ./vigil validate --explain} prints for a key {@code site/device/metric}: for each
     * pattern that watches it, the values in force as written, each with the override it comes
     * from, and whether the key is expected.
     *
     * @throws PatternConfigException with every error of every file
     */
    public static List<String> explain(List<Path> files, String key) throws PatternConfigException {
        Loading loading = loading(files);
        PatternConfig config =
                new PatternConfig(
                        loading.byFile.values().stream().flatMap(List::stream).toList(),
                        loading.overrides,
                        loading.expected);
        String[] levels = key.split("/", -1);
        List<String> lines = new ArrayList<>();
        lines.add(key + ":");
        boolean watched = false;
        for (Map.Entry<Path, List<PatternSpec>> file : loading.byFile.entrySet()) {
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
                Map<String, String> overridden =
                        override.map(o -> loading.written.get(o.origin())).orElse(Map.of());
                PatternReader reader = loading.readers.get(pattern.name());
                Set<String> replaced = new HashSet<>();
                overridden.keySet().forEach(f -> replaced.addAll(reader.replacedBy(f)));
                // The pattern's fields in their order, an overridden one in its place.
                Map<String, String> values = new LinkedHashMap<>();
                loading.written
                        .get(pattern.name())
                        .forEach(
                                (field, value) -> {
                                    if (overridden.containsKey(field)) {
                                        values.put(field, overridden.get(field));
                                    } else if (!replaced.contains(field)) {
                                        values.put(field, value);
                                    }
                                });
                overridden.forEach(values::putIfAbsent);
                String label = override.map(PatternOverride::label).orElse("");
                values.forEach(
                        (field, value) ->
                                lines.add(
                                        String.format(
                                                "    %s: %s%s",
                                                field,
                                                value,
                                                overridden.containsKey(field)
                                                        ? "   (" + label + ")"
                                                        : "")));
            }
        }
        if (!watched) {
            lines.add("  no pattern watches metric '" + levels[2] + "'");
        }
        lines.add(
                config.expected().stream()
                        .filter(e -> e.key().equals(key))
                        .findFirst()
                        .map(e -> "  expected: yes, listed at " + e.origin())
                        .orElse("  expected: no"));
        return lines;
    }

    private static Optional<PatternReader> reader(String type) {
        return READERS.stream().filter(r -> r.type().equals(type)).findFirst();
    }

    private static List<String> allowedFields(Optional<PatternReader> reader) {
        Set<String> allowed = new LinkedHashSet<>(COMMON_FIELDS);
        if (reader.isPresent()) {
            if (!reader.get().hasMetrics()) {
                allowed.remove(METRICS);
            }
            allowed.addAll(reader.get().fields());
        } else {
            // The type is wrong or missing: flag only keys that no type knows.
            READERS.forEach(r -> allowed.addAll(r.fields()));
        }
        allowed.addAll(ALERT_FIELDS);
        if (reader.map(PatternReader::hasOverrides).orElse(true)) {
            allowed.add(OVERRIDES);
        }
        return List.copyOf(allowed);
    }
}
