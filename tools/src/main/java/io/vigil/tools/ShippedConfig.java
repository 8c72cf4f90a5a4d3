package io.vigil.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The settings of the shipped cluster configuration ({@code flink-conf/config.yaml}) that shape how
 * a job keeps state and checkpoints. {@code vigil run} and the benchmarks take them from there, so
 * that a local run behaves as the job on a cluster does: the same checkpoint timeout, pause,
 * unaligned barriers and tolerance of failed checkpoints, and the same watermark interval, not
 * Flink's built-in defaults.
 */
public final class ShippedConfig {

    /** The keys taken; the checkpoint and savepoint directories are not among them. */
    public static final List<String> KEYS =
            List.of(
                    "state.backend.type",
                    "state.backend.rocksdb.timer-service.factory",
                    "state.backend.rocksdb.use-bloom-filter",
                    "execution.checkpointing.incremental",
                    "execution.checkpointing.interval",
                    "execution.checkpointing.mode",
                    "execution.checkpointing.timeout",
                    "execution.checkpointing.min-pause",
                    "execution.checkpointing.unaligned.enabled",
                    "execution.checkpointing.unaligned.interruptible-timers.enabled",
                    "execution.checkpointing.tolerable-failed-checkpoints",
                    "pipeline.auto-watermark-interval");

    private ShippedConfig() {}

    /**
     * {@code job} with each of {@link #KEYS} that it does not set taken from {@code
     * confDir}/config.yaml; {@code job} itself if there is no such file.
     */
    public static Configuration under(Configuration job, Path confDir) {
        return under(job, confDir, KEYS);
    }

    /** {@code job} with each of {@code keys} that it does not set taken from the shipped file. */
    public static Configuration under(Configuration job, Path confDir, List<String> keys) {
        if (!Files.isRegularFile(confDir.resolve("config.yaml"))) {
            return job;
        }
        Map<String, String> shipped =
                GlobalConfiguration.loadConfiguration(confDir.toString()).toMap();
        Configuration config = new Configuration(job);
        Map<String, String> own = job.toMap();
        for (String key : keys) {
            if (shipped.containsKey(key) && !own.containsKey(key)) {
                config.setString(key, shipped.get(key));
            }
        }
        return config;
    }

    /**
     * The shipped configuration folder of this installation: {@code flink-conf} under the {@code
     * vigil.home} system property that the {@code vigil} launcher sets, or null without it.
     */
    public static Path installed() {
        String home = System.getProperty("vigil.home");
        return home == null ? null : Path.of(home, "flink-conf");
    }
}
