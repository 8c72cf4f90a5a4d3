package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rule for main code: a class over 400 lines says why in its first comment (a sentence
 * "... is long (about N lines) because ..."), so that a long class is a decision and not an
 * accident.
 */
class LongClassesTest {

    private static final int LIMIT = 400;

    private static final Pattern FIRST_COMMENT =
            Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);

    private static final Pattern REASON =
            Pattern.compile("is long \\(about [0-9 ]+ lines[^)]*\\) because", Pattern.DOTALL);

    @Test
    void everyMainClassOverTheLimitSaysWhyInItsFirstComment() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources =
                    files.filter(p -> p.toString().endsWith(".java"))
                            .filter(p -> p.toString().contains("/src/main/java/"))
                            .filter(p -> !p.toString().contains("/target/"))
                            .toList();
        }
        assertThat(sources).hasSizeGreaterThan(100);

        List<String> unexplained = new ArrayList<>();
        for (Path source : sources) {
            String text = Files.readString(source);
            long lines = text.lines().count();
            if (lines > LIMIT && !explained(text)) {
                unexplained.add(root.relativize(source) + " (" + lines + " lines)");
            }
        }

        assertThat(unexplained).isEmpty();
    }

    private static boolean explained(String text) {
        Matcher comment = FIRST_COMMENT.matcher(text);
        return comment.find()
                && REASON.matcher(comment.group(1).replaceAll("\\s*\\*\\s*", " ")).find();
    }
}
