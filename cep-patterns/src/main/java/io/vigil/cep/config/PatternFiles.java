package io.vigil.cep.config;

import io.vigil.cep.config.PatternConfigException.ConfigError;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the pattern files a path names and reads each into a YAML tree. */
final class PatternFiles {

    private PatternFiles() {}

    /**
     * The path itself when it is not a directory; otherwise its {@code *.yaml} and {@code *.yml}
     * files in name order, hidden files left out, so that a mounted Kubernetes ConfigMap (whose
     * {@code ..data} links are hidden) can be given as is.
     *
     * @param errors receives an error when the directory cannot be listed or holds no pattern file
     */
    static List<Path> expand(Path path, List<ConfigError> errors) {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(path)) {
            files = listing.filter(PatternFiles::isPatternFile).sorted().toList();
        } catch (IOException e) {
            errors.add(new ConfigError(path, null, null, "cannot list the directory: " + e));
            return List.of();
        }
        if (files.isEmpty()) {
            errors.add(
                    new ConfigError(
                            path, null, null, "no pattern files (*.yaml, *.yml) in directory"));
        }
        return files;
    }

    private static boolean isPatternFile(Path path) {
        String name = path.getFileName().toString();
        return !name.startsWith(".")
                && (name.endsWith(".yaml") || name.endsWith(".yml"))
                && Files.isRegularFile(path);
    }

    /** The file's YAML tree; empty (and reported) when it cannot be read, parsed, or is empty. */
    static Optional<YamlNode> read(Path file, FileErrors errors) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            errors.add("file not found");
            return Optional.empty();
        } catch (AccessDeniedException e) {
            errors.add("cannot read the file: permission denied");
            return Optional.empty();
        } catch (CharacterCodingException e) {
            errors.add("not UTF-8 text");
            return Optional.empty();
        } catch (IOException e) {
            errors.add("cannot read the file: " + e);
            return Optional.empty();
        }
        try {
            YamlNode root = YamlNode.parse(text);
            if (root == null) {
                errors.add("the file is empty; it needs a top-level 'patterns' list");
            }
            return Optional.ofNullable(root);
        } catch (YamlNode.SyntaxException e) {
            errors.add(e.getMessage());
            return Optional.empty();
        }
    }
}
