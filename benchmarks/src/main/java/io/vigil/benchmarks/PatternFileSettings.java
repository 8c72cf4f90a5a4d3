package io.vigil.benchmarks;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The command-line setting every benchmark of the pattern engine shares, which their {@code
 * Settings} extend (picocli reads the options of a superclass too): the pattern file they run.
 */
abstract class PatternFileSettings {
    @Option(names = "--patterns", description = "the pattern file")
    Path patterns = Path.of("cep-patterns/patterns/default.yaml");
}
