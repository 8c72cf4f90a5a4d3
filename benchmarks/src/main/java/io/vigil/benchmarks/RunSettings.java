package io.vigil.benchmarks;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The command-line settings the throughput benchmarks share, which their {@code Settings} extend
 * (picocli reads the options of a superclass too): the event time of each measured fleet, the
 * measured and warm-up runs, and the parallelism; the pattern file comes from {@link
 * PatternFileSettings}.
 */
abstract class RunSettings extends PatternFileSettings {
    @Option(
            names = "--duration",
            converter = AnalyticsThroughput.ShortDuration.class,
            description = "event time of each measured fleet, e.g. 6m or 1h30m")
    Duration duration = Duration.ofMinutes(6);

    @Option(names = "--runs", description = "measured runs of each engine or pipeline")
    int runs = 3;

    @Option(names = "--warmups", description = "warm-up runs of each engine or pipeline")
    int warmups = 1;

    @Option(
            names = "--parallelism",
            description = "parallelism of the jobs (= cores they are given)")
    int parallelism = 2;
}
