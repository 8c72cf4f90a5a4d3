package io.vigil.cep.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.PatternConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatternFileWatcherTest {

    private static final String LOUD =
            "patterns:\n"
                    + "  - name: loud\n"
                    + "    type: burst\n"
                    + "    metrics: [sound]\n"
                    + "    threshold: 85\n"
                    + "    min-events: 3\n"
                    + "    within: 10s\n";

    @TempDir Path dir;

    @Test
    void seesAConfigMapStyleSymlinkSwapAndRejectsAnInvalidFile() throws Exception {
        // As Kubernetes mounts a ConfigMap: files link through the ..data symlink, which an
        // update swaps atomically to a new hidden directory.
        Path v1 = Files.createDirectory(dir.resolve("..v1"));
        Files.writeString(v1.resolve("patterns.yaml"), LOUD);
        Files.createSymbolicLink(dir.resolve("..data"), dir.relativize(v1));
        Files.createSymbolicLink(dir.resolve("patterns.yaml"), Path.of("..data/patterns.yaml"));
        PatternFileWatcher watcher = new PatternFileWatcher(List.of(dir.toString()));

        PatternSetUpdate first = watcher.read();
        assertThat(first.error).isNull();
        assertThat(patterns(first).patterns()).extracting(s -> s.name()).containsExactly("loud");
        assertThat(watcher.read().hash).as("unchanged files, same hash").isEqualTo(first.hash);

        Path v2 = Files.createDirectory(dir.resolve("..v2"));
        Files.writeString(v2.resolve("patterns.yaml"), LOUD.replace("85", "90"));
        swap(v2);
        PatternSetUpdate second = watcher.read();
        assertThat(second.hash).isNotEqualTo(first.hash);
        assertThat(second.error).isNull();

        Path v3 = Files.createDirectory(dir.resolve("..v3"));
        Files.writeString(v3.resolve("patterns.yaml"), LOUD.replace("threshold", "treshold"));
        swap(v3);
        PatternSetUpdate broken = watcher.read();
        assertThat(broken.patterns).isNull();
        assertThat(broken.error).contains("patterns.yaml").contains("loud").contains("treshold");
    }

    private void swap(Path target) throws Exception {
        Path next = dir.resolve("..data_tmp");
        Files.createSymbolicLink(next, dir.relativize(target));
        Files.move(next, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static PatternConfig patterns(PatternSetUpdate update) throws Exception {
        return InstantiationUtil.deserializeObject(
                update.patterns, PatternFileWatcherTest.class.getClassLoader());
    }
}
