package io.vigil.cep.config;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.YamlNode.Field;
import io.vigil.cep.config.YamlNode.Mapping;
import io.vigil.cep.config.YamlNode.Scalar;
import io.vigil.cep.config.YamlNode.ScalarKind;
import io.vigil.cep.config.YamlNode.Sequence;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
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
 */
public final class PatternConfigLoader {

    /** The severity of a pattern that does not set one. */
    public static final String DEFAULT_SEVERITY = "warning";

    /** The tolerance of a drift pattern that does not set one: each reading at least the last. */
    public static final double DEFAULT_TOLERANCE = 0.0;

    /** The pattern types a file may use, in the order the docs list them. */
    public static final List<String> TYPES =
            List.of(BurstSpec.TYPE, DriftSpec.TYPE, SilenceSpec.TYPE);

    static final String PATTERNS = "patterns";
    static final String NAME = "name";
    static final String TYPE = "type";
    static final String METRICS = "metrics";
    static final String SEVERITY = "severity";
    static final String THRESHOLD = "threshold";
    static final String ABOVE_BASELINE = "above-baseline";
    static final String MIN_EVENTS = "min-events";
    static final String WITHIN = "within";
    static final String TOLERANCE = "tolerance";
    static final String MIN_RISE = "min-rise";
    static final String AFTER = "after";

    private static final List<String> COMMON_FIELDS = List.of(NAME, TYPE, METRICS, SEVERITY);

    private static final Map<String, List<String>> TYPE_FIELDS =
            Map.of(
                    BurstSpec.TYPE, List.of(THRESHOLD, ABOVE_BASELINE, MIN_EVENTS, WITHIN),
                    DriftSpec.TYPE, List.of(MIN_EVENTS, WITHIN, TOLERANCE, MIN_RISE),
                    SilenceSpec.TYPE, List.of(AFTER));

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

    /** The state of one call: the errors so far and the names already taken. */
    private static final class Loading {

        private final List<ConfigError> errors = new ArrayList<>();
        private final Map<Path, List<PatternSpec>> byFile = new LinkedHashMap<>();
        private final Map<String, String> nameOrigins = new HashMap<>();

        void fileOrDirectory(Path path) {
            if (!Files.isDirectory(path)) {
                file(path);
                return;
            }
            List<Path> files;
            try (Stream<Path> listing = Files.list(path)) {
                files = listing.filter(Loading::isPatternFile).sorted().toList();
            } catch (IOException e) {
                errors.add(new ConfigError(path, null, null, "cannot list the directory: " + e));
                return;
            }
            if (files.isEmpty()) {
                errors.add(
                        new ConfigError(
                                path, null, null, "no pattern files (*.yaml, *.yml) in directory"));
            }
            files.forEach(this::file);
        }

        private static boolean isPatternFile(Path path) {
            String name = path.getFileName().toString();
            return !name.startsWith(".")
                    && (name.endsWith(".yaml") || name.endsWith(".yml"))
                    && Files.isRegularFile(path);
        }

        void file(Path file) {
            FileErrors fileErrors = new FileErrors(file);
            List<PatternSpec> specs = new ArrayList<>();
            Optional<YamlNode> root = read(file, fileErrors);
            root.ifPresent(node -> patterns(node, fileErrors, specs));
            errors.addAll(fileErrors.inLineOrder());
            byFile.put(file, List.copyOf(specs));
        }

        private Optional<YamlNode> read(Path file, FileErrors fileErrors) {
            String text;
            try {
                text = Files.readString(file);
            } catch (NoSuchFileException e) {
                fileErrors.add(null, null, "file not found", 0);
                return Optional.empty();
            } catch (AccessDeniedException e) {
                fileErrors.add(null, null, "cannot read the file: permission denied", 0);
                return Optional.empty();
            } catch (CharacterCodingException e) {
                fileErrors.add(null, null, "not UTF-8 text", 0);
                return Optional.empty();
            } catch (IOException e) {
                fileErrors.add(null, null, "cannot read the file: " + e, 0);
                return Optional.empty();
            }
            try {
                YamlNode root = YamlNode.parse(text);
                if (root == null) {
                    fileErrors.add(
                            null,
                            null,
                            "the file is empty; it needs a top-level 'patterns' list",
                            0);
                }
                return Optional.ofNullable(root);
            } catch (YamlNode.SyntaxException e) {
                fileErrors.add(null, null, e.getMessage(), 0);
                return Optional.empty();
            }
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
            Fields fields = new Fields(top, fileErrors, null, "a pattern file");
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
            Optional<String> name = text(mapping, NAME).filter(NAME_SYNTAX.asMatchPredicate());
            Optional<String> type = text(mapping, TYPE).filter(TYPES::contains);
            Fields fields =
                    new Fields(
                            mapping,
                            fileErrors,
                            name.orElse(id),
                            type.map(t -> String.format("a '%s' pattern", t)).orElse("a pattern"));
            fields.rejectUnknown(allowedFields(type));
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
                                String.format("%s (line %d)", fileErrors.file, fields.line(NAME)));
                if (origin != null) {
                    fields.error(
                            NAME,
                            "duplicate pattern name; it is already defined in " + origin,
                            fields.line(NAME));
                }
            }
            Optional<String> givenType = fields.string(TYPE, true);
            if (givenType.isPresent() && type.isEmpty()) {
                fields.error(
                        TYPE,
                        String.format(
                                "unknown pattern type '%s'; known types: %s",
                                givenType.get(), String.join(", ", TYPES)),
                        fields.line(TYPE));
            }
            List<String> metrics = fields.metrics();
            String severity = fields.string(SEVERITY, false).orElse(DEFAULT_SEVERITY);
            if (severity.isBlank()) {
                fields.error(SEVERITY, "must not be blank", fields.line(SEVERITY));
            }
            if (type.isEmpty()) {
                return Optional.empty();
            }
            PatternSpec spec =
                    switch (type.get()) {
                        case BurstSpec.TYPE -> burst(name, severity, metrics, fields);
                        case DriftSpec.TYPE -> drift(name, severity, metrics, fields);
                        default -> silence(name, severity, metrics, fields);
                    };
            return Optional.ofNullable(spec).filter(s -> fileErrors.count() == errorsBefore);
        }

        /** The text of the field when it is a string, without reporting anything. */
        private static Optional<String> text(Mapping mapping, String field) {
            return mapping.get(field)
                    .map(Field::value)
                    .filter(v -> v instanceof Scalar s && s.kind() == ScalarKind.STRING)
                    .map(v -> ((Scalar) v).text());
        }

        private static List<String> allowedFields(Optional<String> type) {
            Set<String> allowed = new LinkedHashSet<>(COMMON_FIELDS);
            if (type.isPresent()) {
                allowed.addAll(TYPE_FIELDS.get(type.get()));
            } else {
                // The type is wrong or missing: flag only keys that no type knows.
                TYPES.forEach(t -> allowed.addAll(TYPE_FIELDS.get(t)));
            }
            return List.copyOf(allowed);
        }

        /** Reads the fields of a burst; returns {@code null} when one is wrong (and reported). */
        private static BurstSpec burst(
                Optional<String> name, String severity, List<String> metrics, Fields fields) {
            Optional<Double> threshold = fields.number(THRESHOLD, false);
            Optional<Double> aboveBaseline = fields.number(ABOVE_BASELINE, false);
            if (!fields.has(THRESHOLD)
                    && !fields.has(ABOVE_BASELINE)
                    && !fields.misspelt(THRESHOLD)
                    && !fields.misspelt(ABOVE_BASELINE)) {
                fields.error(
                        THRESHOLD,
                        "missing; a 'burst' pattern needs either 'threshold' (an absolute level)"
                                + " or 'above-baseline' (a margin over the key's running"
                                + " baseline)",
                        fields.mapping.line());
            } else if (fields.has(THRESHOLD) && fields.has(ABOVE_BASELINE)) {
                fields.error(
                        ABOVE_BASELINE,
                        "give either 'threshold' or 'above-baseline', not both",
                        fields.line(ABOVE_BASELINE));
            }
            aboveBaseline.ifPresent(v -> fields.check(ABOVE_BASELINE, v > 0, "must be above 0"));
            Optional<Integer> minEvents = fields.integer(MIN_EVENTS, 1);
            Optional<Duration> within = fields.duration(WITHIN);
            if (name.isEmpty() || minEvents.isEmpty() || within.isEmpty()) {
                return null;
            }
            return new BurstSpec(
                    name.get(),
                    severity,
                    metrics,
                    threshold.orElse(null),
                    aboveBaseline.orElse(null),
                    minEvents.get(),
                    within.get());
        }

        private static DriftSpec drift(
                Optional<String> name, String severity, List<String> metrics, Fields fields) {
            Optional<Integer> minEvents = fields.integer(MIN_EVENTS, 2);
            Optional<Duration> within = fields.duration(WITHIN);
            Optional<Double> tolerance = fields.number(TOLERANCE, false);
            tolerance.ifPresent(v -> fields.check(TOLERANCE, v >= 0, "must be 0 or more"));
            Optional<Double> minRise = fields.number(MIN_RISE, true);
            minRise.ifPresent(v -> fields.check(MIN_RISE, v > 0, "must be above 0"));
            if (name.isEmpty() || minEvents.isEmpty() || within.isEmpty() || minRise.isEmpty()) {
                return null;
            }
            return new DriftSpec(
                    name.get(),
                    severity,
                    metrics,
                    minEvents.get(),
                    within.get(),
                    tolerance.orElse(DEFAULT_TOLERANCE),
                    minRise.get());
        }

        private static SilenceSpec silence(
                Optional<String> name, String severity, List<String> metrics, Fields fields) {
            Optional<Duration> after = fields.duration(AFTER);
            if (name.isEmpty() || after.isEmpty()) {
                return null;
            }
            return new SilenceSpec(name.get(), severity, metrics, after.get());
        }
    }

    /** The errors of one file, kept with their lines so that they can be listed in file order. */
    private static final class FileErrors {

        private record Located(int line, ConfigError error) {}

        private final Path file;
        private final List<Located> errors = new ArrayList<>();

        FileErrors(Path file) {
            this.file = file;
        }

        /** Adds an error; {@code line} 0 when it concerns the file as a whole. */
        void add(String pattern, String field, String message, int line) {
            String located = line > 0 ? String.format("%s (line %d)", message, line) : message;
            errors.add(new Located(line, new ConfigError(file, pattern, field, located)));
        }

        int count() {
            return errors.size();
        }

        List<ConfigError> inLineOrder() {
            return errors.stream()
                    .sorted(Comparator.comparingInt(Located::line))
                    .map(Located::error)
                    .toList();
        }
    }

    /** Typed access to the fields of one mapping, reporting each problem as a config error. */
    private static final class Fields {

        private final Mapping mapping;
        private final FileErrors errors;
        private final String pattern;
        private final String owner;
        // Fields that an unknown key looks like a typo of: their "missing" would say it twice.
        private final Set<String> misspelt = new HashSet<>();

        /**
         * @param pattern the pattern the errors name, {@code null} at the top level
         * @param owner what holds the fields, for messages, e.g. {@code a 'burst' pattern}
         */
        Fields(Mapping mapping, FileErrors errors, String pattern, String owner) {
            this.mapping = mapping;
            this.errors = errors;
            this.pattern = pattern;
            this.owner = owner;
        }

        void error(String field, String message, int line) {
            errors.add(pattern, field, message, line);
        }

        boolean has(String field) {
            return mapping.get(field).isPresent();
        }

        /** Whether an unknown key was reported as a typo of {@code field}. */
        boolean misspelt(String field) {
            return misspelt.contains(field);
        }

        int line(String field) {
            return mapping.get(field).map(f -> f.value().line()).orElse(mapping.line());
        }

        /** Reports {@code message}, with the value as written, unless {@code ok}. */
        void check(String field, boolean ok, String message) {
            if (!ok) {
                YamlNode value = mapping.get(field).orElseThrow().value();
                error(field, message + ", found " + ((Scalar) value).text(), value.line());
            }
        }

        /** Reports keys given twice and keys not in {@code allowed}, with a guess at typos. */
        void rejectUnknown(List<String> allowed) {
            Map<String, Integer> seen = new HashMap<>();
            for (Field field : mapping.fields()) {
                Integer first = seen.putIfAbsent(field.key(), field.line());
                if (first != null) {
                    error(field.key(), "given twice, first at line " + first, field.line());
                } else if (!allowed.contains(field.key())) {
                    Optional<String> meant = suggestion(field.key(), allowed);
                    meant.ifPresent(misspelt::add);
                    error(
                            field.key(),
                            String.format(
                                    "unknown field%s; the fields of %s are: %s",
                                    meant.map(m -> " (did you mean '" + m + "'?)").orElse(""),
                                    owner,
                                    String.join(", ", allowed)),
                            field.line());
                }
            }
        }

        /** The field's value; empty (and reported) when missing but required, or given empty. */
        Optional<YamlNode> value(String field, boolean required) {
            Optional<Field> found = mapping.get(field);
            if (found.isEmpty()) {
                if (required && !misspelt.contains(field)) {
                    error(field, "missing; " + owner + " needs it", mapping.line());
                }
                return Optional.empty();
            }
            YamlNode value = found.get().value();
            if (value instanceof Scalar scalar && scalar.kind() == ScalarKind.NULL) {
                error(field, "has no value", found.get().line());
                return Optional.empty();
            }
            return Optional.of(value);
        }

        Optional<String> string(String field, boolean required) {
            return value(field, required)
                    .flatMap(
                            value -> {
                                if (value instanceof Scalar s && s.kind() == ScalarKind.STRING) {
                                    return Optional.of(s.text());
                                }
                                error(
                                        field,
                                        "must be a string, found " + value.describe(),
                                        value.line());
                                return Optional.empty();
                            });
        }

        Optional<Double> number(String field, boolean required) {
            return value(field, required)
                    .flatMap(
                            value -> {
                                if (value instanceof Scalar s
                                        && (s.kind() == ScalarKind.INTEGER
                                                || s.kind() == ScalarKind.DECIMAL)) {
                                    if (s.number() != null
                                            && Double.isFinite(s.number().doubleValue())) {
                                        return Optional.of(s.number().doubleValue());
                                    }
                                    error(
                                            field,
                                            "must be a finite number, found " + s.text(),
                                            s.line());
                                    return Optional.empty();
                                }
                                error(field, "must be a number" + butFound(value), value.line());
                                return Optional.empty();
                            });
        }

        /** A required whole number of at least {@code min}. */
        Optional<Integer> integer(String field, int min) {
            return value(field, true)
                    .flatMap(
                            value -> {
                                if (!(value instanceof Scalar s)
                                        || s.kind() != ScalarKind.INTEGER
                                        || s.number() == null) {
                                    error(
                                            field,
                                            "must be a whole number" + butFound(value),
                                            value.line());
                                    return Optional.empty();
                                }
                                // Jackson gives an Integer whenever the value fits in one.
                                if (!(s.number() instanceof Integer n)) {
                                    error(field, "is too large, found " + s.text(), s.line());
                                    return Optional.empty();
                                }
                                if (n < min) {
                                    error(
                                            field,
                                            String.format(
                                                    "must be at least %d for %s, found %s",
                                                    min, owner, s.text()),
                                            s.line());
                                    return Optional.empty();
                                }
                                return Optional.of(n);
                            });
        }

        /** A required positive duration. */
        Optional<Duration> duration(String field) {
            return value(field, true)
                    .flatMap(
                            value -> {
                                if (!(value instanceof Scalar s) || s.kind() != ScalarKind.STRING) {
                                    String unitHint =
                                            value instanceof Scalar s
                                                            && s.kind() == ScalarKind.INTEGER
                                                    ? " with a unit, e.g. " + s.text() + "s"
                                                    : " such as " + Durations.EXAMPLES;
                                    error(
                                            field,
                                            "must be a duration"
                                                    + unitHint
                                                    + ", found "
                                                    + value.describe(),
                                            value.line());
                                    return Optional.empty();
                                }
                                Duration duration;
                                try {
                                    duration = Durations.parse(s.text());
                                } catch (IllegalArgumentException e) {
                                    error(field, e.getMessage(), s.line());
                                    return Optional.empty();
                                }
                                if (duration.isNegative() || duration.isZero()) {
                                    error(
                                            field,
                                            "must be longer than zero, found " + s.text(),
                                            s.line());
                                    return Optional.empty();
                                }
                                return Optional.of(duration);
                            });
        }

        /** The required list of metric names: each one MQTT topic level, or {@code *} alone. */
        List<String> metrics() {
            Optional<YamlNode> value = value(METRICS, true);
            if (value.isEmpty()) {
                return List.of();
            }
            if (!(value.get() instanceof Sequence list)) {
                error(
                        METRICS,
                        "must be a list such as [temperature] or [\"*\"], found "
                                + value.get().describe(),
                        value.get().line());
                return List.of();
            }
            if (list.items().isEmpty()) {
                error(METRICS, "must name at least one metric, or \"*\" for all", list.line());
            }
            Set<String> metrics = new LinkedHashSet<>();
            for (YamlNode item : list.items()) {
                if (!(item instanceof Scalar s) || s.kind() != ScalarKind.STRING) {
                    error(
                            METRICS,
                            "each entry must be a metric name (a string), found " + item.describe(),
                            item.line());
                } else if (s.text().isBlank() || s.text().matches(".*[/+#\\s].*")) {
                    error(
                            METRICS,
                            String.format(
                                    "\"%s\" is not a metric name: a metric is one MQTT topic"
                                            + " level, not blank and without '/', '+', '#' or"
                                            + " spaces",
                                    s.text()),
                            s.line());
                } else if (!metrics.add(s.text())) {
                    error(METRICS, String.format("\"%s\" is listed twice", s.text()), s.line());
                }
            }
            if (metrics.contains(PatternSpec.ANY_METRIC) && metrics.size() > 1) {
                error(METRICS, "\"*\" already matches every metric; list it alone", list.line());
            }
            return List.copyOf(metrics);
        }

        private static String butFound(YamlNode value) {
            if (value instanceof Scalar s
                    && s.kind() == ScalarKind.STRING
                    && s.text().trim().matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")) {
                return ", found " + value.describe() + " (remove the quotes)";
            }
            return ", found " + value.describe();
        }

        /** The allowed key that {@code key} most likely misspells, if any is close. */
        private static Optional<String> suggestion(String key, List<String> allowed) {
            String normal = key.toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
            return allowed.stream()
                    .filter(a -> a.equals(normal) || editDistance(normal, a) <= 2)
                    .min(Comparator.comparingInt(a -> editDistance(normal, a)));
        }

        private static int editDistance(String a, String b) {
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    current[j] =
                            Math.min(
                                    Math.min(current[j - 1] + 1, previous[j] + 1),
                                    previous[j - 1] + substitution);
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }
}
