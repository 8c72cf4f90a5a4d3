package io.vigil.cep.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Every error found in a set of pattern config files, so that all can be fixed in one go. */
public class PatternConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<ConfigError> errors;

    public PatternConfigException(List<ConfigError> errors) {
        super(render(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("A PatternConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The errors in the order found: by file, then by position in the file. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String render(List<ConfigError> errors) {
        return errors.stream()
                .map(ConfigError::toString)
                .collect(
                        Collectors.joining(
                                "\n",
                                String.format(
                                        "Invalid pattern config, %d error%s:\n",
                                        errors.size(), errors.size() == 1 ? "" : "s"),
                                ""));
    }

    /**
     * One error: the file, the pattern ({@code null} for file-level errors; {@code #N}, the 1-based
     * position in the list, when the pattern has no valid name), the field ({@code null} when the
     * error is not about one field) and what is wrong, with the line where it is known.
     */
    public record ConfigError(Path file, String pattern, String field, String message) {

        /** {@code FILE: pattern 'NAME': field 'FIELD': MESSAGE}, leaving out what is not known. */
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder().append(file).append(": ");
            if (pattern != null) {
                // A valid name never starts with '#', so a position cannot pass for a name.
                text.append(
                                pattern.startsWith("#")
                                        ? "pattern " + pattern
                                        : "pattern '" + pattern + "'")
                        .append(": ");
            }
            if (field != null) {
                text.append("field '").append(field).append("': ");
            }
            return text.append(message).toString();
        }
    }
}
