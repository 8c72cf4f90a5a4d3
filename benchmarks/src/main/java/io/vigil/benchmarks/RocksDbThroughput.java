package io.vigil.benchmarks;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 11, figure 2: readings per second per core of Vigil's core on RocksDB with incremental
 * checkpoints at the shipped interval ({@code flink-conf/config.yaml}), on the same simulated fleet
 * as {@link AnalyticsThroughput}; also the full-checkpoint state size per key of that fleet.
 *
 * <pre>{@code
 * benchmarks/run.sh io.vigil.benchmarks.RocksDbThroughput --sensors 2000 --duration 6m --runs 3
 * }</pre>
 */
public final class RocksDbThroughput {

    private RocksDbThroughput() {}

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        PatternConfig patterns = PatternConfigLoader.load(settings.patterns);
        System.out.println(AnalyticsThroughput.machine());
        AnalyticsThroughput.Fleet fleet =
                AnalyticsThroughput.prepare(
                        settings.sensors, settings.duration, settings.parallelism);
        long keys = fleet.sensors();
        System.out.printf(
                "fleet: %d sensors (keys), %s of event time, %d messages, %d valid readings%n",
                fleet.sensors(), settings.duration, fleet.messages(), fleet.readings());
        double[] perCore = new double[settings.runs];
        long lastBytes = -1;
        long savepointBytes = -1;
        for (int r = -settings.warmups; r < settings.runs; r++) {
            Path checkpoints = CoreRun.tempDir("vigil-bench-rocksdb-");
            try {
                Configuration config = CoreRun.shipped(settings.conf, checkpoints);
                if (r == -settings.warmups) {
                    System.out.println(
                            "settings from "
                                    + settings.conf
                                    + "/config.yaml: "
                                    + CoreRun.describe(config));
                }
                CoreRun.Outcome outcome =
                        CoreRun.run(
                                "rocksdb-" + r,
                                config,
                                settings.parallelism,
                                patterns,
                                fleet,
                                0.75,
                                r == -settings.warmups);
                double rate = fleet.readings() * 1000.0 / outcome.millis();
                System.out.printf(
                        "%-8s %6d ms (net runtime %d ms) %,12.0f readings/s = %,10.0f per core;"
                            + " process CPU %.1f us per reading; checkpoints completed %d, failed"
                            + " %d; full checkpoint at 75%% of the input: %,d B = %s B per key%s;"
                            + " %s%s%n",
                        r < 0 ? "warm-up" : "run " + (r + 1),
                        outcome.millis(),
                        outcome.netRuntimeMillis(),
                        rate,
                        rate / settings.parallelism,
                        ProcessCpu.microsPer(outcome.processingCpuNanos(), fleet.readings()),
                        outcome.completedCheckpoints(),
                        outcome.failedCheckpoints(),
                        outcome.fullCheckpointBytes(),
                        CoreRun.perKey(outcome.fullCheckpointBytes(), keys),
                        outcome.savepointBytes() < 0
                                ? ""
                                : String.format(
                                        "; canonical savepoint right after it: %,d B = %s B per"
                                                + " key",
                                        outcome.savepointBytes(),
                                        CoreRun.perKey(outcome.savepointBytes(), keys)),
                        outcome.counts(),
                        outcome.checkpointSummary());
                if (outcome.savepointBytes() >= 0) {
                    savepointBytes = outcome.savepointBytes();
                }
                if (r >= 0) {
                    perCore[r] = rate / settings.parallelism;
                    lastBytes = outcome.fullCheckpointBytes();
                }
            } finally {
                CoreRun.deleteRecursively(checkpoints);
            }
        }
        Arrays.sort(perCore);
        System.out.printf(
                "RESULT rocksdb: %,.0f readings/s per core (median of %d; min %,.0f, max %,.0f;"
                        + " goal >= 50 000), parallelism %d, %d keys, state %s B per key (full"
                        + " checkpoint, last run; goal <= 2048), %s B per key in a canonical"
                        + " savepoint (first run)%n",
                AnalyticsThroughput.median(perCore),
                settings.runs,
                perCore[0],
                perCore[perCore.length - 1],
                settings.parallelism,
                keys,
                CoreRun.perKey(lastBytes, keys),
                CoreRun.perKey(savepointBytes, keys));
        AnalyticsThroughput.removeInput(fleet.inputName());
    }

    /** Command-line settings. */
    @Command(name = "RocksDbThroughput")
    static final class Settings extends RunSettings {
        @Option(names = "--sensors", description = "fleet size (multiple of 100)")
        int sensors = 2000;

        @Option(names = "--conf", description = "the directory of the shipped config.yaml")
        Path conf = Path.of("flink-conf");
    }
}
