package io.vigil.tools;

import io.vigil.cep.config.PatternConfigException;
import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.config.PatternSpec;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil validate FILE...}: checks pattern config files and prints each file's patterns, or
 * every error found. Its usage errors are those of the {@code vigil} command line.
 */
@Command(
        name = "validate",
        header = "check pattern config files (or directories of them)",
        description = {
            "check pattern config files (or directories of them); prints each file's",
            "patterns, or every error found"
        })
final class ValidateCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "pattern files")
    private final List<String> files = new ArrayList<>();

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
        byFile.forEach(
                (file, patterns) ->
                        out.printf(
                                "OK: %s (%d pattern%s: %s)%n",
                                file,
                                patterns.size(),
                                plural(patterns.size()),
                                patterns.stream()
                                        .map(PatternSpec::name)
                                        .collect(Collectors.joining(", "))));
        return ExitCode.OK;
    }

    private static String plural(long count) {
        return count == 1 ? "" : "s";
    }
}
