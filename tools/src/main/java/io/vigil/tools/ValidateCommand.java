package io.vigil.tools;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigException;
import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.config.PatternSpec;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil validate FILE... [--explain SITE/DEVICE/METRIC]}: checks pattern config files and
 * prints each file's patterns, or every error found; with {@code --explain}, also the values in
 * force for one key. Its usage errors are those of the {@code vigil} command line.
 */
@Command(
        name = "validate",
        header = "check pattern config files (or directories of them)",
        description = {
            "check pattern config files (or directories of them); prints each file's",
            "patterns, or every error found; --explain SITE/DEVICE/METRIC also prints the",
            "values of each pattern in force for that key, and where they come from"
        })
final class ValidateCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "pattern files")
    private final List<String> files = new ArrayList<>();

    @Option(
            names = "--explain",
            paramLabel = "SITE/DEVICE/METRIC",
            description = "print the values in force for this key")
    private String explain;

    @Unmatched private final List<String> unknown = new ArrayList<>();

    @Override
    public Integer call() {
        CommandLine vigil = spec.commandLine().getParent();
        if (!unknown.isEmpty()) {
            throw Cli.usageError(
                    vigil, String.format("validate has no option '%s'", unknown.get(0)));
        }
        if (files.isEmpty()) {
            throw Cli.usageError(vigil, "validate needs at least one pattern file");
        }
        if (explain != null && !isKey(explain)) {
            throw Cli.usageError(
                    vigil,
                    String.format(
                            "--explain needs a key SITE/DEVICE/METRIC, e.g. plant-a/mic-01/sound,"
                                    + " got '%s'",
                            explain));
        }
        List<Path> paths = new ArrayList<>();
        for (String file : files) {
            try {
                paths.add(Path.of(file));
            } catch (InvalidPathException e) {
                throw Cli.usageError(vigil, String.format("'%s' is not a file path", file));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<Path, List<PatternSpec>> byFile;
        try {
            byFile = PatternConfigLoader.loadByFile(paths);
        } catch (PatternConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            long badFiles = e.errors().stream().map(ConfigError::file).distinct().count();
            err.printf(
                    "INVALID: %d error%s in %d file%s%n",
                    e.errors().size(), plural(e.errors().size()), badFiles, plural(badFiles));
            return ExitCode.FAILED;
        }
        PatternConfig config = PatternConfigLoader.load(paths);
        byFile.forEach(
                (file, patterns) ->
                        out.printf("OK: %s (%s)%n", file, summary(file, patterns, config)));
        if (explain != null) {
            PatternConfigLoader.explain(paths, explain).forEach(out::println);
        }
        return ExitCode.OK;
    }

    /** E.g. {@code 2 patterns: sound-burst with 1 override, sensor-silence; 3 expected keys}. */
    private static String summary(Path file, List<PatternSpec> patterns, PatternConfig config) {
        List<String> parts = new ArrayList<>();
        if (!patterns.isEmpty()) {
            parts.add(
                    String.format(
                            "%d pattern%s: %s",
                            patterns.size(),
                            plural(patterns.size()),
                            patterns.stream()
                                    .map(
                                            p ->
                                                    p.name()
                                                            + overrides(
                                                                    config.overridesOf(p.name())
                                                                            .size()))
                                    .collect(Collectors.joining(", "))));
        }
        long expected =
                config.expected().stream().filter(e -> e.file().equals(file.toString())).count();
        if (expected > 0) {
            parts.add(String.format("%d expected key%s", expected, plural(expected)));
        }
        return String.join("; ", parts);
    }

    private static String overrides(int count) {
        return count == 0 ? "" : String.format(" with %d override%s", count, plural(count));
    }

    private static boolean isKey(String key) {
        String[] levels = key.split("/", -1);
        return levels.length == 3 && Arrays.stream(levels).noneMatch(String::isEmpty);
    }

    private static String plural(long count) {
        return count == 1 ? "" : "s";
    }
}
