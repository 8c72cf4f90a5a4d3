package io.vigil.cep.config;

import static io.vigil.cep.config.LoadFailures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.vigil.cep.TestPatterns;
import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.SequenceSpec.Contiguity;
import io.vigil.cep.config.SequenceSpec.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PatternConfigLoaderTest {

    private static final Path DEFAULT_FILE = Path.of("patterns/default.yaml");
    private static final Path BASELINE_EXAMPLE = Path.of("patterns/examples/baseline-burst.yaml");
    private static final Path SEQUENCE_EXAMPLE = Path.of("patterns/examples/hot-then-loud.yaml");
    private static final Path TEST_PATTERNS = Path.of("src/test/resources/patterns");

    @TempDir Path dir;

    // ---- files that load ----

    @Test
    void loadsTheShippedDefaultsWithTheirDocumentedValues() {
        PatternConfig config = PatternConfigLoader.load(DEFAULT_FILE);

        assertThat(config.patterns())
                .containsExactlyElementsOf(TestPatterns.SHIPPED_DEFAULTS.patterns());
    }

    @Test
    void loadsTheBaselineExampleBesideTheDefaults() {
        Map<Path, List<PatternSpec>> byFile =
                PatternConfigLoader.loadByFile(List.of(DEFAULT_FILE, BASELINE_EXAMPLE));

        assertThat(byFile.keySet()).containsExactly(DEFAULT_FILE, BASELINE_EXAMPLE);
        assertThat(byFile.get(DEFAULT_FILE)).hasSize(3);
        BurstSpec burst = (BurstSpec) byFile.get(BASELINE_EXAMPLE).get(0);
        assertThat(burst.isRelativeToBaseline()).isTrue();
        assertThat(burst.threshold()).isNull();
        assertThat(burst.baselineMargin()).isEqualTo(20.0);
        assertThat(burst.minEvents()).isEqualTo(4);
        assertThat(burst.within()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void loadsEveryExampleBesideTheDefaults() {
        PatternConfig config = PatternConfigLoader.load(DEFAULT_FILE, Path.of("patterns/examples"));

        assertThat(config.patterns())
                .extracting(PatternSpec::name)
                .containsExactly(
                        "sound-burst",
                        "thermal-drift",
                        "sensor-silence",
                        "sound-burst-over-baseline",
                        "tank-fuel-low",
                        "line-pressure-leak",
                        "line-pressure-stuck",
                        "motor-vibration-rising",
                        "press-hot-then-loud",
                        "fuel-low",
                        "pressure-drop",
                        "sound-burst-held",
                        "hot-then-loud",
                        "loud-machinery",
                        "pressure-leak",
                        "stuck-sensor",
                        "vibration-rising-fast");
        assertThat(config.overridesOf("loud-machinery"))
                .extracting(o -> o.selector().toString(), PatternOverride::fields)
                .containsExactly(
                        tuple("site plant-b, device mic-0?", List.of("threshold")),
                        tuple("device bench-*", List.of("threshold", "min-events", "severity")));
        assertThat(config.expected())
                .extracting(ExpectedKey::key)
                .containsExactly(
                        "plant-a/mic-01/sound",
                        "plant-a/mic-02/sound",
                        "plant-a/press-1/temperature",
                        "plant-b/mic-01/sound");
    }

    @Test
    void loadsTheSequenceExampleWithItsSteps() {
        SequenceSpec sequence =
                (SequenceSpec)
                        PatternConfigLoader.load(DEFAULT_FILE, SEQUENCE_EXAMPLE).patterns().get(3);

        assertThat(sequence).isEqualTo(TestPatterns.HOT_THEN_LOUD);
        assertThat(sequence.metrics()).containsExactly("temperature", "sound");
    }

    @Test
    void readsBelowAndNextStepsOfTheSameMetric() {
        Path file =
                write(
                        """
                        patterns:
                          - name: sudden-drop
                            type: sequence
                            within: 1m
                            steps:
                              - {metric: temperature, above: 80, min-events: 2}
                              - {metric: temperature, below: 60, contiguity: next}
                        """);

        SequenceSpec drop = (SequenceSpec) PatternConfigLoader.load(file).patterns().get(0);

        assertThat(drop.steps())
                .containsExactly(
                        new Step("temperature", true, 80, 2, Contiguity.FOLLOWED_BY),
                        new Step("temperature", false, 60, 1, Contiguity.NEXT));
        assertThat(drop.metrics()).containsExactly("temperature");
        assertThat(drop.severity()).isEqualTo(PatternConfigLoader.DEFAULT_SEVERITY);
    }

    @Test
    void reportsTheMistakesOfASequenceByStepAndField() {
        Path file =
                write(
                        """
                        patterns:
                          - name: hot-then-loud
                            type: sequence
                            metrics: [sound]
                            within: 5m
                            steps:
                              - metric: temperature
                                above: "80"
                                contiguity: next
                              - metric: sound/x
                                above: 85
                                below: 20
                                min_events: 3
                              - metric: sound
                              - metric: sound
                                above: 85
                                min-events: 0
                                contiguity: later
                              - sound
                        """);

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(ConfigError::pattern, ConfigError::field, ConfigError::message)
                .containsExactly(
                        tuple(
                                "hot-then-loud",
                                "metrics",
                                "unknown field; the fields of a 'sequence' pattern are: name,"
                                        + " type, severity, within, steps, clear-for, cooldown,"
                                        + " repeat-after, escalate-after, escalate-to (line 4)"),
                        tuple(
                                "hot-then-loud",
                                "steps[1].above",
                                "must be a number, found the string \"80\" (remove the quotes)"
                                        + " (line 8)"),
                        tuple(
                                "hot-then-loud",
                                "steps[1].contiguity",
                                "the first step has no step before it; 'contiguity' belongs to"
                                        + " the steps after it (line 9)"),
                        tuple(
                                "hot-then-loud",
                                "steps[2].metric",
                                "\"sound/x\" is not a metric name: a metric is one MQTT topic"
                                        + " level, not blank and without '/', '+', '#' or spaces"
                                        + " (line 10)"),
                        tuple(
                                "hot-then-loud",
                                "steps[2].below",
                                "give either 'above' or 'below', not both (line 12)"),
                        tuple(
                                "hot-then-loud",
                                "steps[2].min_events",
                                "unknown field (did you mean 'min-events'?); the fields of a step"
                                        + " of a 'sequence' pattern are: metric, above, below,"
                                        + " min-events, contiguity (line 13)"),
                        tuple(
                                "hot-then-loud",
                                "steps[3].above",
                                "missing; a step needs either 'above' or 'below' (a threshold its"
                                        + " readings must be strictly above or below) (line 14)"),
                        tuple(
                                "hot-then-loud",
                                "steps[4].min-events",
                                "must be at least 1 for a step of a 'sequence' pattern, found 0"
                                        + " (line 17)"),
                        tuple(
                                "hot-then-loud",
                                "steps[4].contiguity",
                                "must be 'followed-by' or 'next', found \"later\" (line 18)"),
                        tuple(
                                "hot-then-loud",
                                "steps[5]",
                                "must be a mapping of fields, found the string \"sound\" (line"
                                        + " 19)"));
        assertThat(e.errors().get(1).toString())
                .isEqualTo(
                        file
                                + ": pattern 'hot-then-loud': field 'steps[1].above': must be a"
                                + " number, found the string \"80\" (remove the quotes) (line 8)");
    }

    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "'    steps: []' | steps | needs at least two steps, found 0 (for one metric"
                        + " alone, use a 'burst' pattern) (line 5)",
                "'    steps:\n      - {metric: sound, above: 85}' | steps | needs at least two"
                        + " steps, found 1 (for one metric alone, use a 'burst' pattern) (line 6)",
                "'    steps: {metric: sound}' | steps | must be a list of mappings, found a"
                        + " mapping (line 5)",
                "'' | steps | missing; a 'sequence' pattern needs it (line 2)",
                "'    steps:\n      - {metric: \"*\", above: 1}\n      - {metric: b, above: 1}'"
                        + " | steps[1].metric | must name one metric, found \"*\" (line 6)",
            })
    void reportsABadSequence(String steps, String field, String message) {
        Path file =
                write(
                        """
                        patterns:
                          - name: seq
                            type: sequence
                            within: 5m
                        """
                                + steps
                                + "\n");

        ConfigError error = onlyError(file);

        assertThat(error.pattern()).isEqualTo("seq");
        assertThat(error.field()).isEqualTo(field);
        assertThat(error.message()).isEqualTo(message);
    }

    @Test
    void fillsInTheDefaultSeverityAndTolerance() {
        Path file =
                write(
                        """
                        patterns:
                          - name: slow-rise
                            type: drift
                            metrics: [temperature, humidity]
                            min-events: 2
                            within: PT1H
                            min-rise: 1
                        """);

        DriftSpec drift = (DriftSpec) PatternConfigLoader.load(file).patterns().get(0);

        assertThat(drift.severity()).isEqualTo(PatternConfigLoader.DEFAULT_SEVERITY);
        assertThat(drift.tolerance()).isEqualTo(PatternConfigLoader.DEFAULT_TOLERANCE);
        assertThat(drift.metrics()).containsExactly("temperature", "humidity");
        assertThat(drift.within()).isEqualTo(Duration.ofHours(1));
        assertThat(drift.minRise()).isEqualTo(1.0);
    }

    @Test
    void loadsEveryYamlFileOfADirectoryInNameOrderLeavingOutHiddenAndOtherFiles()
            throws IOException {
        Path b = write("b.yml", silence("b-silence"));
        Path a = write("a.yaml", silence("a-silence"));
        write("notes.txt", "not a pattern file");
        Files.createDirectory(dir.resolve("..data"));
        write("..data/hidden.yaml", silence("hidden"));

        Map<Path, List<PatternSpec>> byFile = PatternConfigLoader.loadByFile(List.of(dir));

        assertThat(byFile.keySet()).containsExactly(a, b);
        assertThat(PatternConfigLoader.load(dir).patterns())
                .extracting(PatternSpec::name)
                .containsExactly("a-silence", "b-silence");
    }

    @Test
    void loadsFlowStyleYaml() {
        Path file =
                write(
                        """
                        {patterns: [{name: hum, type: burst, metrics: [hum], threshold: -3.5,
                          min-events: 1, within: 500ms}]}
                        """);

        BurstSpec burst = (BurstSpec) PatternConfigLoader.load(file).patterns().get(0);

        assertThat(burst.threshold()).isEqualTo(-3.5);
        assertThat(burst.within()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void refusesAnEmptyListOfFiles() {
        assertThatThrownBy(() -> PatternConfigLoader.load(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No pattern config file given");
    }

    // ---- file-level errors ----

    @Test
    void reportsAMissingFile() {
        Path missing = dir.resolve("nope.yaml");

        ConfigError error = onlyError(missing);

        assertThat(error).isEqualTo(new ConfigError(missing, null, null, "file not found"));
        assertThat(error.toString()).isEqualTo(missing + ": file not found");
    }

    @Test
    void reportsAnUnreadableFile() throws IOException {
        Path file = write(silence("s"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeThat(Files.isReadable(file)).as("not running as root").isFalse();

        assertThat(onlyError(file).message()).isEqualTo("cannot read the file: permission denied");
    }

    @Test
    void reportsAFileThatCannotBeRead() {
        Path underAFile = write(silence("s")).resolve("child.yaml");

        ConfigError error = onlyError(underAFile);

        assertThat(error.file()).isEqualTo(underAFile);
        assertThat(error.message()).startsWith("cannot read the file: ");
    }

    @Test
    void reportsAFileThatIsNotUtf8() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, silence("t\u00e9").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(onlyError(file).message()).isEqualTo("not UTF-8 text");
    }

    @Test
    void reportsADirectoryWithoutPatternFiles() {
        write("readme.txt", "nothing here");

        ConfigError error = onlyError(dir);

        assertThat(error.file()).isEqualTo(dir);
        assertThat(error.message()).isEqualTo("no pattern files (*.yaml, *.yml) in directory");
    }

    @Test
    void reportsAnEmptyFile() {
        assertThat(onlyError(write("")).message())
                .isEqualTo("the file is empty; it needs a top-level 'patterns' list");
        assertThat(onlyError(write("other.yaml", "# only a comment\n")).message())
                .isEqualTo("the file is empty; it needs a top-level 'patterns' list");
    }

    @Test
    void reportsMalformedYamlWithLineAndColumn() {
        Path file =
                write(
                        """
                        patterns:
                          - name: x
                           type: burst
                        """);

        ConfigError error = onlyError(file);

        assertThat(error.pattern()).isNull();
        assertThat(error.message())
                .startsWith("not valid YAML at line 3, column 4: expected <block end>")
                .contains("starts at line 2");
    }

    @Test
    void reportsAnUnterminatedQuote() {
        assertThat(onlyError(write("patterns: \"open\n")).message())
                .startsWith("not valid YAML at line 2, column 1: found unexpected end of stream");
    }

    @Test
    void reportsASecondYamlDocument() {
        Path file = write(silence("a") + "---\n" + silence("b"));

        assertThat(onlyError(file).message())
                .isEqualTo(
                        "a second YAML document starts at line 7; put all patterns in one"
                                + " 'patterns' list");
    }

    @Test
    void reportsYamlAliases() {
        Path file =
                write(
                        """
                        patterns:
                          - name: a
                            type: silence
                            metrics: &m [sound]
                            after: 1m
                          - name: b
                            type: silence
                            metrics: *m
                            after: 1m
                        """);

        assertThat(onlyError(file).message()).contains("aliases (*m at line 8) are not supported");
    }

    @Test
    void reportsATopLevelThatIsNotAMapping() {
        ConfigError error = onlyError(write("- name: x\n"));

        assertThat(error.field()).isNull();
        assertThat(error.message())
                .isEqualTo(
                        "must be a mapping with a top-level 'patterns' list, found a list (line"
                                + " 1)");
    }

    @Test
    void reportsUnknownTopLevelFields() {
        ConfigError error = onlyError(write("pattern:\n" + silence("x").substring(9)));

        assertThat(error.pattern()).isNull();
        assertThat(error.field()).isEqualTo("pattern");
        assertThat(error.toString())
                .contains(
                        "unknown field (did you mean 'patterns'?); the fields of a pattern file"
                                + " are: patterns");
    }

    @Test
    void reportsAMissingPatternsListBesideAnUnknownField() {
        Path file = write("other: 1\n");

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(ConfigError::field, ConfigError::message)
                .containsExactly(
                        tuple(
                                "other",
                                "unknown field; the fields of a pattern file are: patterns,"
                                        + " expected (line 1)"),
                        tuple("patterns", "missing; a pattern file needs it (line 1)"));
    }

    @Test
    void reportsPatternsThatIsNotAList() {
        ConfigError error = onlyError(write("patterns: sound-burst\n"));

        assertThat(error.toString())
                .endsWith(
                        ": field 'patterns': must be a list of patterns, found the string"
                                + " \"sound-burst\" (line 1)");
    }

    @Test
    void reportsAnEmptyPatternsList() {
        assertThat(onlyError(write("patterns: []\n")).message())
                .isEqualTo("is empty; a pattern file must define at least one pattern (line 1)");
        assertThat(onlyError(write("b.yaml", "patterns:\n")).message())
                .isEqualTo("has no value (line 1)");
    }

    @Test
    void reportsAnEntryThatIsNotAMapping() {
        ConfigError error = onlyError(write("patterns:\n  - sound-burst\n"));

        assertThat(error.pattern()).isEqualTo("#1");
        assertThat(error.toString())
                .endsWith(
                        ": pattern #1: must be a mapping of fields (name, type, metrics, ...),"
                                + " found the string \"sound-burst\" (line 2)");
    }

    // ---- pattern errors: common fields ----

    @Test
    void reportsAMissingNameByThePatternsPosition() {
        Path file =
                write(
                        silence("ok")
                                + """
                                  - type: silence
                                    metrics: [sound]
                                    after: 1m
                                """);

        ConfigError error = onlyError(file);

        assertThat(error.toString())
                .isEqualTo(
                        file
                                + ": pattern #2: field 'name': missing; a 'silence' pattern needs"
                                + " it (line 6)");
    }

    @Test
    void reportsNamesThatCannotBeATagOrTopicLevel() {
        ConfigError error = onlyError(write(silence("sound/burst")));

        assertThat(error.pattern()).isEqualTo("#1");
        assertThat(error.field()).isEqualTo("name");
        assertThat(error.message()).contains("found \"sound/burst\"");
    }

    @Test
    void reportsANameThatIsNotAString() {
        ConfigError error = onlyError(write(silence("42")));

        assertThat(error.field()).isEqualTo("name");
        assertThat(error.message()).isEqualTo("must be a string, found the number 42 (line 2)");
    }

    @Test
    void reportsADuplicateNameInOneFile() {
        Path file = write(silence("quiet") + silence("quiet").substring(10));

        ConfigError error = onlyError(file);

        assertThat(error.toString())
                .isEqualTo(
                        String.format(
                                "%s: pattern 'quiet': field 'name': duplicate pattern name; it is"
                                        + " already defined in %s (line 2) (line 6)",
                                file, file));
    }

    @Test
    void reportsADuplicateNameAcrossFiles() {
        Path first = write("first.yaml", silence("quiet"));
        Path second = write("second.yaml", silence("other") + silence("quiet").substring(10));

        PatternConfigException e = failure(first, second);

        assertThat(e.errors()).hasSize(1);
        ConfigError error = e.errors().get(0);
        assertThat(error.file()).isEqualTo(second);
        assertThat(error.pattern()).isEqualTo("quiet");
        assertThat(error.field()).isEqualTo("name");
        assertThat(error.message()).contains("already defined in " + first + " (line 2)");
    }

    @Test
    void reportsAMissingType() {
        Path file =
                write(
                        """
                        patterns:
                          - name: nameless-type
                            metrics: [sound]
                            after: 1m
                        """);

        assertThat(onlyError(file).toString())
                .endsWith(
                        ": pattern 'nameless-type': field 'type': missing; a pattern needs it"
                                + " (line 2)");
    }

    @Test
    void reportsAnUnknownTypeListingTheKnownOnes() {
        Path file = write(silence("spike").replace("type: silence", "type: spike"));

        ConfigError error = onlyError(file);

        assertThat(error.pattern()).isEqualTo("spike");
        assertThat(error.field()).isEqualTo("type");
        assertThat(error.message())
                .isEqualTo(
                        "unknown pattern type 'spike'; known types: burst, drift, silence, rate,"
                                + " flatline, sequence (line 3)");
    }

    @Test
    void reportsUnknownFieldsSuggestingTheIntendedOne() {
        Path file =
                write(
                        """
                        patterns:
                          - name: loud
                            type: burst
                            metrics: [sound]
                            threshold: 85
                            min_events: 3
                            min-events: 3
                            within: 10s
                        """);

        ConfigError error = onlyError(file);

        assertThat(error.pattern()).isEqualTo("loud");
        assertThat(error.field()).isEqualTo("min_events");
        assertThat(error.message())
                .isEqualTo(
                        "unknown field (did you mean 'min-events'?); the fields of a 'burst'"
                                + " pattern are: name, type, metrics, severity, threshold, above,"
                                + " below, above-baseline, below-baseline, min-events, within,"
                                + " clear-level, clear-for, cooldown, repeat-after, escalate-after,"
                                + " escalate-to, overrides (line 6)");
    }

    @Test
    void reportsAMisspeltNameOrTypeOnceAsAnUnknownField() {
        Path file =
                write(
                        """
                        patterns:
                          - nmae: quiet
                            typ: silence
                            metrics: [sound]
                            after: 1m
                        """);

        PatternConfigException e = failure(file);

        assertThat(e.errors())
                .extracting(ConfigError::pattern, ConfigError::field, ConfigError::message)
                .containsExactly(
                        tuple(
                                "#1",
                                "nmae",
                                "unknown field (did you mean 'name'?); the fields of a pattern are:"
                                    + " name, type, metrics, severity, threshold, above, below,"
                                    + " above-baseline, below-baseline, min-events, within,"
                                    + " clear-level, direction, tolerance, min-rise, min-fall,"
                                    + " after, max-rate, per, over, epsilon, for, max-gap, steps,"
                                    + " clear-for, cooldown, repeat-after, escalate-after,"
                                    + " escalate-to, overrides (line 2)"),
                        tuple(
                                "#1",
                                "typ",
                                "unknown field (did you mean 'type'?); the fields of a pattern are:"
                                    + " name, type, metrics, severity, threshold, above, below,"
                                    + " above-baseline, below-baseline, min-events, within,"
                                    + " clear-level, direction, tolerance, min-rise, min-fall,"
                                    + " after, max-rate, per, over, epsilon, for, max-gap, steps,"
                                    + " clear-for, cooldown, repeat-after, escalate-after,"
                                    + " escalate-to, overrides (line 3)"));
    }

    @Test
    void reportsAFieldOfAnotherTypeAsUnknown() {
        Path file = write(silence("s").replace("after: 1m", "after: 1m\n    within: 5s"));

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("within");
        assertThat(error.message())
                .startsWith("unknown field; the fields of a 'silence' pattern are: name, type,")
                .contains("after");
    }

    @Test
    void reportsAFieldGivenTwice() {
        Path file = write(silence("s").replace("after: 1m", "after: 1m\n    after: 2m"));

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("after");
        assertThat(error.message()).isEqualTo("given twice, first at line 5 (line 6)");
    }

    @Test
    void reportsAFieldWithoutValue() {
        Path file = write(silence("s").replace("after: 1m", "after:"));

        assertThat(onlyError(file).toString())
                .endsWith(": pattern 's': field 'after': has no value (line 5)");
    }

    @Test
    void reportsMissingMetrics() {
        Path file = write(silence("s").replace("    metrics: [sound]\n", ""));

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("metrics");
        assertThat(error.message()).isEqualTo("missing; a 'silence' pattern needs it (line 2)");
    }

    @ParameterizedTest(name = "metrics: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "sound | must be a list such as [temperature] or [\"*\"], found the string"
                        + " \"sound\"",
                "[] | must name at least one metric, or \"*\" for all",
                "[42] | each entry must be a metric name (a string), found the number 42",
                "[a/b] | \"a/b\" is not a metric name",
                "['room temp'] | \"room temp\" is not a metric name",
                "[sound, sound] | \"sound\" is listed twice",
                "['*', sound] | \"*\" already matches every metric; list it alone"
            })
    void reportsMetricsThatAreNotAListOfTopicLevels(String metrics, String message) {
        Path file = write(silence("s").replace("[sound]", metrics));

        ConfigError error = onlyError(file);

        assertThat(error.pattern()).isEqualTo("s");
        assertThat(error.field()).isEqualTo("metrics");
        assertThat(error.message()).startsWith(message).endsWith("(line 4)");
    }

    @Test
    void reportsABlankOrNonStringSeverity() {
        ConfigError blank = onlyError(write(silence("s") + "    severity: ' '\n"));
        ConfigError number = onlyError(write("b.yaml", silence("s") + "    severity: 3\n"));

        assertThat(blank.field()).isEqualTo("severity");
        assertThat(blank.message()).isEqualTo("must not be blank (line 6)");
        assertThat(number.message()).isEqualTo("must be a string, found the number 3 (line 6)");
    }

    // ---- pattern errors: type-specific fields ----

    @Test
    void reportsAQuotedThresholdAsNotANumber() {
        Path file = write(burst("threshold: \"85\""));

        assertThat(onlyError(file).toString())
                .isEqualTo(
                        file
                                + ": pattern 'loud': field 'threshold': must be a number, found the"
                                + " string \"85\" (remove the quotes) (line 5)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "threshold: [85]|threshold|must be a number, found a list (line 5)",
                "threshold: .inf|threshold|must be a finite number, found .inf (line 5)",
                "above-baseline: 0|above-baseline|must be above 0, found 0 (line 5)",
            })
    void reportsABadBurstField(String line5, String field, String message) {
        ConfigError error = onlyError(write(burst(line5)));

        assertThat(error.field()).isEqualTo(field);
        assertThat(error.message()).isEqualTo(message);
    }

    @Test
    void reportsABurstWithoutThreshold() {
        Path file = write(burst("severity: warning"));

        ConfigError error = onlyError(file);

        assertThat(error.pattern()).isEqualTo("loud");
        assertThat(error.field()).isEqualTo("threshold");
        assertThat(error.message())
                .startsWith(
                        "missing; a 'burst' pattern needs one of 'threshold' (or 'above') or"
                                + " 'below'")
                .endsWith("(line 2)");
    }

    @Test
    void reportsABurstWithBothThresholdAndBaseline() {
        ConfigError error = onlyError(write(burst("threshold: 85\n    above-baseline: 20")));

        assertThat(error.field()).isEqualTo("above-baseline");
        assertThat(error.message())
                .isEqualTo(
                        "give one of 'threshold' (or 'above'), 'below', 'above-baseline',"
                                + " 'below-baseline', not both 'threshold' and 'above-baseline'"
                                + " (line 6)");
    }

    @ParameterizedTest(name = "min-events: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "0 | must be at least 1 for a 'burst' pattern, found 0",
                "-2 | must be at least 1 for a 'burst' pattern, found -2",
                "2.5 | must be a whole number, found the number 2.5",
                "\"3\" | must be a whole number, found the string \"3\" (remove the quotes)",
                "99999999999 | is too large, found 99999999999"
            })
    void reportsABadBurstMinEvents(String value, String message) {
        Path file = write(burst("threshold: 85").replace("min-events: 3", "min-events: " + value));

        ConfigError error = onlyError(file);

        assertThat(error.pattern()).isEqualTo("loud");
        assertThat(error.field()).isEqualTo("min-events");
        assertThat(error.message()).isEqualTo(message + " (line 6)");
    }

    @ParameterizedTest(name = "within: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "10 | must be a duration with a unit, e.g. 10s, found the number 10",
                "1.5 | must be a duration such as 500ms, 10s, 5m, 1h, 1d or PT10S, found the"
                        + " number 1.5",
                "10 seconds | '10 seconds' is not a duration such as 500ms, 10s, 5m, 1h, 1d or"
                        + " PT10S",
                "0s | must be longer than zero, found 0s",
                "-5s | must be longer than zero, found -5s",
                "PT-1S | must be longer than zero, found PT-1S",
                "[10s] | must be a duration such as 500ms, 10s, 5m, 1h, 1d or PT10S, found a"
                        + " list"
            })
    void reportsABadWithin(String value, String message) {
        Path file = write(burst("threshold: 85").replace("within: 10s", "within: " + value));

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("within");
        assertThat(error.message()).isEqualTo(message + " (line 7)");
    }

    @Test
    void reportsADriftOfFewerThanTwoReadings() {
        ConfigError error = onlyError(write(drift("min-events: 1", "tolerance: 0.2")));

        assertThat(error.pattern()).isEqualTo("rise");
        assertThat(error.field()).isEqualTo("min-events");
        assertThat(error.message())
                .isEqualTo("must be at least 2 for a 'drift' pattern, found 1 (line 5)");
    }

    @Test
    void reportsANegativeTolerance() {
        ConfigError error = onlyError(write(drift("min-events: 5", "tolerance: -0.1")));

        assertThat(error.field()).isEqualTo("tolerance");
        assertThat(error.message()).isEqualTo("must be 0 or more, found -0.1 (line 7)");
    }

    @Test
    void reportsANonPositiveMinRise() {
        Path file =
                write(drift("min-events: 5", "tolerance: 0").replace("min-rise: 3", "min-rise: 0"));

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("min-rise");
        assertThat(error.message()).isEqualTo("must be above 0, found 0 (line 8)");
    }

    @Test
    void reportsADriftWithoutMinRise() {
        Path file = write(drift("min-events: 5", "tolerance: 0").replace("    min-rise: 3\n", ""));

        ConfigError error = onlyError(file);

        assertThat(error.field()).isEqualTo("min-rise");
        assertThat(error.message()).isEqualTo("missing; a 'drift' pattern needs it (line 2)");
    }

    @Test
    void reportsASilenceWithoutAfter() {
        Path file = write(silence("s").replace("    after: 1m\n", ""));

        ConfigError error = onlyError(file);

        assertThat(error.toString())
                .isEqualTo(
                        file
                                + ": pattern 's': field 'after': missing; a 'silence' pattern"
                                + " needs it (line 2)");
    }

    // ---- many errors at once ----

    @Test
    void collectsEveryErrorOfEveryFileInFileAndLineOrder() {
        Path broken = TEST_PATTERNS.resolve("broken.yaml");
        Path missing = dir.resolve("missing.yaml");

        PatternConfigException e = failure(broken, missing);

        assertThat(e.errors())
                .extracting(ConfigError::file, ConfigError::pattern, ConfigError::field)
                .containsExactly(
                        tuple(broken, "loud", "threshold"),
                        tuple(broken, "loud", "min_events"),
                        tuple(broken, "loud", "within"),
                        tuple(broken, "rise", "type"),
                        tuple(broken, "#3", "name"),
                        tuple(broken, "#3", "metrics"),
                        tuple(broken, "sensor-silence", "after"),
                        tuple(missing, null, null));
        assertThat(e.errors())
                .allSatisfy(error -> assertThat(error.toString()).startsWith(error.file() + ": "));
    }

    @Test
    void reportsAPatternNameTakenByAnEarlierFileEvenWhenOneOfThemIsBroken() {
        Path broken = TEST_PATTERNS.resolve("broken.yaml");

        PatternConfigException defaultsFirst = failure(DEFAULT_FILE, broken);
        PatternConfigException brokenFirst = failure(broken, DEFAULT_FILE);

        assertThat(defaultsFirst.errors())
                .filteredOn(error -> "sensor-silence".equals(error.pattern()))
                .extracting(ConfigError::file, ConfigError::field)
                .containsExactly(tuple(broken, "name"), tuple(broken, "after"));
        assertThat(brokenFirst.errors())
                .filteredOn(error -> "sensor-silence".equals(error.pattern()))
                .extracting(ConfigError::file, ConfigError::field)
                .containsExactly(tuple(broken, "after"), tuple(DEFAULT_FILE, "name"));
    }

    @Test
    void listsEachErrorOnItsOwnLineOfTheMessage() {
        Path broken = TEST_PATTERNS.resolve("broken.yaml");

        PatternConfigException e = failure(broken);

        String[] lines = e.getMessage().split("\n");
        assertThat(lines[0]).isEqualTo("Invalid pattern config, 7 errors:");
        assertThat(lines)
                .hasSize(8)
                .contains(
                        broken
                                + ": pattern 'loud': field 'threshold': must be a number, found the"
                                + " string \"85\" (remove the quotes) (line 5)");
    }

    @Test
    void namesASingleErrorInTheSingular() {
        PatternConfigException e = failure(dir.resolve("gone.yaml"));

        assertThat(e.getMessage())
                .isEqualTo(
                        "Invalid pattern config, 1 error:\n"
                                + dir.resolve("gone.yaml")
                                + ": file not found");
    }

    // ---- helpers ----

    private static String silence(String name) {
        return String.format(
                """
                patterns:
                  - name: %s
                    type: silence
                    metrics: [sound]
                    after: 1m
                """,
                name);
    }

    /** A burst named {@code loud} whose line 5 is {@code extra} (e.g. the threshold). */
    private static String burst(String extra) {
        return String.format(
                """
                patterns:
                  - name: loud
                    type: burst
                    metrics: [sound]
                    %s
                    min-events: 3
                    within: 10s
                """,
                extra);
    }

    /** A drift named {@code rise}: line 5 {@code minEvents}, line 7 {@code tolerance}. */
    private static String drift(String minEvents, String tolerance) {
        return String.format(
                """
                patterns:
                  - name: rise
                    type: drift
                    metrics: [temperature]
                    %s
                    within: 10m
                    %s
                    min-rise: 3
                """,
                minEvents, tolerance);
    }

    private Path write(String yaml) {
        return write("patterns.yaml", yaml);
    }

    private Path write(String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + name, e);
        }
    }

    private static ConfigError onlyError(Path file) {
        PatternConfigException e = failure(file);
        assertThat(e.errors()).as(e.getMessage()).hasSize(1);
        assertThat(e.errors().get(0).file()).isEqualTo(file);
        return e.errors().get(0);
    }
}
