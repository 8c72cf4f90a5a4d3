package io.vigil.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil run} takes the shipped state and checkpoint settings, the job's own first. */
class ShippedConfigTest {

    private static final Path SHIPPED = Path.of("..", "flink-conf");

    @Test
    void aLocalRunHasTheShippedCheckpointSettingsNotFlinksDefaults() {
        Configuration config = ShippedConfig.under(new Configuration(), SHIPPED);

        assertThat(config.toMap())
                .containsEntry("execution.checkpointing.timeout", "2min")
                .containsEntry("execution.checkpointing.min-pause", "2s")
                .containsEntry("execution.checkpointing.unaligned.enabled", "true")
                .containsEntry(
                        "execution.checkpointing.unaligned.interruptible-timers.enabled", "true")
                .containsEntry("execution.checkpointing.tolerable-failed-checkpoints", "3")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("state.backend.rocksdb.use-bloom-filter", "true")
                .containsEntry("pipeline.auto-watermark-interval", "50 ms")
                .doesNotContainKey("execution.checkpointing.dir")
                .doesNotContainKey("taskmanager.memory.process.size");
    }

    @Test
    void theJobsOwnSettingWins() {
        Configuration job = new Configuration();
        job.setString("execution.checkpointing.interval", "10s");

        Configuration config = ShippedConfig.under(job, SHIPPED);

        assertThat(config.toMap())
                .containsEntry("execution.checkpointing.interval", "10s")
                .containsEntry("execution.checkpointing.min-pause", "2s");
    }

    @Test
    void withoutAShippedFileTheJobsConfigIsUnchanged(@TempDir Path empty) {
        Configuration job = new Configuration();
        job.setString("execution.checkpointing.interval", "10s");

        assertThat(ShippedConfig.under(job, empty).toMap()).isEqualTo(job.toMap());
    }
}
