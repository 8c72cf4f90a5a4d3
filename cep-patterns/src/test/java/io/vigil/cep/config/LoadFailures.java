package io.vigil.cep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import java.nio.file.Path;
import java.util.List;

/** What the loader tests look into when {@link PatternConfigLoader} refuses files. */
final class LoadFailures {

    private LoadFailures() {}

    /** The exception that loading {@code files} fails with; fails the test if loading succeeds. */
    static PatternConfigException failure(Path... files) {
        PatternConfigException e =
                catchThrowableOfType(
                        PatternConfigException.class, () -> PatternConfigLoader.load(files));
        assertThat(e).as("loading %s fails", List.of(files)).isNotNull();
        return e;
    }

    /** The line that the error's message names at its end ({@code "... (line 12)"}). */
    static int line(ConfigError error) {
        return Integer.parseInt(error.message().replaceAll(".*\\(line (\\d+)\\)$", "$1"));
    }
}
