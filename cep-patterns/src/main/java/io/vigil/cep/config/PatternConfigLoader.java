package io.vigil.cep.config;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.YamlNode.Mapping;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

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
    static final String CLEAR_FOR = "clear-for";
    static final String COOLDOWN = "cooldown";
    static final String REPEAT_AFTER = "repeat-after";
    static final String ESCALATE_AFTER = "escalate-after";
    static final String ESCALATE_TO = "escalate-to";

    private static final List<String> COMMON_FIELDS = List.of(NAME, TYPE, METRICS, SEVERITY);

    /** How every pattern's alerts live; listed after the fields of the pattern's type. */
    private static final List<String> ALERT_FIELDS =
            List.of(CLEAR_FOR, COOLDOWN, REPEAT_AFTER, ESCALATE_AFTER, ESCALATE_TO);

    /** Names become an InfluxDB tag and an MQTT topic level ({@code alerts/.../{pattern}}). */
    private static final Pattern NAME_SYNTAX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

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
        return new PatternConfig(
                loadByFile(files).values().stream().flatMap(List::stream).toList());
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
        if (files.isEmpty()) {
            throw new IllegalArgumentException("No pattern config file given");
        }
        Loading loading = new Loading();
        files.forEach(loading::fileOrDirectory);
        if (!loading.errors.isEmpty()) {
            throw new PatternConfigException(loading.errors);
        }
        return Collections.unmodifiableMap(loading.byFile);
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
            fields.rejectUnknown(List.of(PATTERNS));
            Optional<YamlNode> list = fields.value(PATTERNS, true);
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
            fields.rejectUnknown(allowedFields(reader));
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
            return reader.flatMap(r -> r.read(common, fields))
                    .filter(spec -> fileErrors.count() == errorsBefore);
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
        return List.copyOf(allowed);
    }
}
