package io.vigil.cep.config;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The errors of one file, kept with their lines so that they can be listed in file order. */
final class FileErrors {

    private record Located(int line, ConfigError error) {}

    private final Path file;
    private final List<Located> errors = new ArrayList<>();

    FileErrors(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Adds an error; {@code line} 0 when it concerns the file as a whole. */
    void add(String pattern, String field, String message, int line) {
        String located = line > 0 ? String.format("%s (line %d)", message, line) : message;
        errors.add(new Located(line, new ConfigError(file, pattern, field, located)));
    }

    /** Adds an error about the file as a whole. */
    void add(String message) {
        add(null, null, message, 0);
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
