package io.vigil.benchmarks;

import io.vigil.cep.config.PatternConfig;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.model.Alert;
import io.vigil.model.RawMessage;
import io.vigil.model.WindowAggregate;
import io.vigil.parsing.SensorMessageParser;
import io.vigil.pipeline.SensorAnalytics;
import io.vigil.pipeline.SensorAnalyticsOptions;
import io.vigil.testing.CollectingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 11, figure 1: Vigil's in-memory core against the same analytics in Esper EPL ({@link
 * EsperBaseline}), on the same simulated fleet as {@link AnalyticsThroughput}, readings/s per core.
 * First both run a small seeded fleet and their alerts and aggregates are compared (the mismatch
 * count is printed with examples); then the measured fleet runs alternately, Vigil at parallelism 2
 * on a mini cluster (heap state, no checkpoints), Esper on one thread, in rounds (Vigil then Esper)
 * in this JVM, warm-up rounds excluded. Each side's wall-clock rate per core and process CPU time
 * per reading are printed per run and as median, min and max; a result whose shortest measured run
 * took less than {@code --min-run-seconds} says that it is not a measurement.
 *
 * <pre>{@code
 * benchmarks/run.sh io.vigil.benchmarks.EsperComparison --sensors 1000 --duration 90m --runs 5
 * }</pre>
 */
public final class EsperComparison {

    private EsperComparison() {}

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        new CommandLine(settings).parseArgs(args);
        PatternConfig patterns = PatternConfigLoader.load(settings.patterns);
        System.out.println(AnalyticsThroughput.machine());
        Configuration config = new Configuration();
        EsperBaseline esper = esper(patterns, config);
        System.out.println("EPL:\n" + esper.module());

        ResultComparison check =
                check(
                        settings.checkSensors,
                        settings.checkDuration,
                        settings.parallelism,
                        patterns,
                        esper);
        System.out.printf(
                "check on %d sensors, %s, seed 7: %s",
                settings.checkSensors,
                settings.checkDuration,
                check.describe("vigil", "esper", 10));

        AnalyticsThroughput.Fleet fleet =
                AnalyticsThroughput.prepare(
                        settings.sensors, settings.duration, settings.parallelism);
        RawMessage[] messages = AnalyticsThroughput.inputOf(fleet);
        System.out.printf(
                "%nfleet: %d sensors, %s of event time, %d messages, %d valid readings%n",
                settings.sensors, settings.duration, fleet.messages(), fleet.readings());
        List<Double> vigilPerCore = new ArrayList<>();
        List<Double> esperPerCore = new ArrayList<>();
        List<Double> vigilCpu = new ArrayList<>();
        List<Double> esperCpu = new ArrayList<>();
        List<Double> vigilSeconds = new ArrayList<>();
        List<Double> esperSeconds = new ArrayList<>();
        for (int r = -settings.warmups; r < settings.runs; r++) {
            String label = r < 0 ? "warm-up" : "run " + (r + 1);
            // Timed from the first message read to the last reading counted in the aggregates,
            // as figures 2 and 4 are: without the job's deployment.
            CoreRun.Outcome vigil =
                    CoreRun.run(
                            "in-memory-" + r,
                            CoreRun.inMemory(),
                            settings.parallelism,
                            patterns,
                            fleet,
                            2.0,
                            false);
            double vigilRate = fleet.readings() * 1000.0 / vigil.millis();
            double vigilMicros = ProcessCpu.microsPer(vigil.processingCpuNanos(), fleet.readings());
            System.out.printf(
                    "%-8s vigil  %6d ms (net runtime %d ms) %,12.0f readings/s = %,10.0f per core,"
                            + " CPU %.2f us per reading  %s%n",
                    label,
                    vigil.millis(),
                    vigil.netRuntimeMillis(),
                    vigilRate,
                    vigilRate / settings.parallelism,
                    vigilMicros,
                    vigil.counts());
            long start = System.nanoTime();
            long startCpu = ProcessCpu.nanos();
            EsperBaseline.Result result = esper.run(messages);
            long cpuNanos = ProcessCpu.nanos() - startCpu;
            long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
            double esperRate = result.readings() * 1000.0 / millis;
            double esperMicros = ProcessCpu.microsPer(cpuNanos, result.readings());
            System.out.printf(
                    "%-8s esper  %6d ms %,12.0f readings/s = %,10.0f per core, CPU %.2f us per"
                            + " reading  {alerts=%d, aggregates=%d, deadLetters=%d, readings=%d}%n",
                    label,
                    millis,
                    esperRate,
                    esperRate,
                    esperMicros,
                    result.alerts().size(),
                    result.aggregates().size(),
                    result.deadLetters(),
                    result.readings());
            if (r >= 0) {
                vigilPerCore.add(vigilRate / settings.parallelism);
                esperPerCore.add(esperRate);
                vigilCpu.add(vigilMicros);
                esperCpu.add(esperMicros);
                vigilSeconds.add(vigil.millis() / 1000.0);
                esperSeconds.add(millis / 1000.0);
            }
        }
        System.out.printf(
                "parse only (one thread, part of esper's time) %d ms%n", parseOnlyMillis(messages));
        System.out.printf(
                "vigil, %d runs: %s readings/s per core; %s us CPU per reading; %s s per run%n",
                settings.runs,
                spread(vigilPerCore, "%,.0f"),
                spread(vigilCpu, "%.2f"),
                spread(vigilSeconds, "%.1f"));
        System.out.printf(
                "esper, %d runs: %s readings/s per core; %s us CPU per reading; %s s per run%n",
                settings.runs,
                spread(esperPerCore, "%,.0f"),
                spread(esperCpu, "%.2f"),
                spread(esperSeconds, "%.1f"));
        double shortest = Math.min(Collections.min(vigilSeconds), Collections.min(esperSeconds));
        String tooShort =
                shortest < settings.minRunSeconds
                        ? String.format(
                                "; NOT A MEASUREMENT: a measured run took %.1f s, under %d s"
                                        + " (a longer --duration is needed)",
                                shortest, settings.minRunSeconds)
                        : "";
        double vigil = median(vigilPerCore);
        double esperMedian = median(esperPerCore);
        System.out.printf(
                "RESULT esper: vigil %,.0f readings/s per core (median of %d, min %,.0f, max %,.0f;"
                    + " parallelism %d), esper %,.0f readings/s per core (median, min %,.0f, max"
                    + " %,.0f; 1 thread), ratio vigil/esper per core %.3f (goal >= 1.0); check"
                    + " mismatches %d%s%n",
                vigil,
                settings.runs,
                Collections.min(vigilPerCore),
                Collections.max(vigilPerCore),
                settings.parallelism,
                esperMedian,
                Collections.min(esperPerCore),
                Collections.max(esperPerCore),
                vigil / esperMedian,
                check.mismatches(),
                tooShort);
        // Per core by CPU time: readings per CPU-second, robust to other load on the machine.
        double vigilMicros = median(vigilCpu);
        double esperMicros = median(esperCpu);
        // Each run's pair ran back to back, under about the same load from outside.
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < vigilCpu.size(); i++) {
            paired.add(esperCpu.get(i) / vigilCpu.get(i));
        }
        System.out.printf(
                "RESULT esper-cpu: vigil %.2f us CPU per reading = %,.0f readings per CPU-second,"
                    + " esper %.2f us = %,.0f (medians, process CPU time), ratio vigil/esper per"
                    + " core %.3f, median of the per-run ratios %.3f (min %.3f, max %.3f) (goal >="
                    + " 1.0)%s%n",
                vigilMicros,
                1e6 / vigilMicros,
                esperMicros,
                1e6 / esperMicros,
                esperMicros / vigilMicros,
                median(paired),
                paired.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                paired.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                tooShort);
        AnalyticsThroughput.removeInput(fleet.inputName());
    }

    static EsperBaseline esper(PatternConfig patterns, Configuration config) {
        return new EsperBaseline(
                patterns,
                config.get(SensorAnalyticsOptions.WINDOW_SIZE),
                config.get(SensorAnalyticsOptions.OUT_OF_ORDERNESS),
                new HashSet<>(config.get(SensorAnalyticsOptions.DECIBEL_METRICS)));
    }

    /** Vigil and Esper on a small seeded fleet; their results compared. */
    static ResultComparison check(
            int sensors,
            Duration duration,
            int parallelism,
            PatternConfig patterns,
            EsperBaseline esper)
            throws Exception {
        AnalyticsThroughput.Fleet fleet =
                AnalyticsThroughput.prepare(sensors, duration, parallelism);
        try {
            Configuration config = new Configuration();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(parallelism, config);
            DataStream<RawMessage> messages =
                    env.fromSequence(0, fleet.messages() - 1)
                            .map(
                                    new AnalyticsThroughput.MessageAt(
                                            fleet.inputName(), fleet.messages(), parallelism))
                            .returns(TypeInformation.of(RawMessage.class));
            SensorAnalytics.Outputs out = new SensorAnalytics(config, patterns).apply(messages);
            CollectingSink<Alert> alerts = new CollectingSink<>();
            CollectingSink<WindowAggregate> aggregates = new CollectingSink<>();
            out.alerts().sinkTo(alerts);
            out.aggregates().sinkTo(aggregates);
            env.execute("vigil check " + fleet.inputName());
            EsperBaseline.Result result = esper.run(AnalyticsThroughput.inputOf(fleet));
            // Esper raises each detection once; Vigil's alerts also resolve: compare the raised
            // ones.
            List<Alert> raised = alerts.results().stream().filter(Alert::isFiring).toList();
            return ResultComparison.of(
                    raised, result.alerts(), aggregates.results(), result.aggregates());
        } finally {
            AnalyticsThroughput.removeInput(fleet.inputName());
        }
    }

    private static long parseOnlyMillis(RawMessage[] messages) {
        SensorMessageParser parser = SensorMessageParser.withDefaults();
        long start = System.nanoTime();
        long readings = 0;
        for (RawMessage message : messages) {
            readings += parser.parse(message).readings().size();
        }
        if (readings < 0) {
            throw new IllegalStateException();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** {@code median (min .. max)} of {@code values}, each in {@code format}. */
    private static String spread(List<Double> values, String format) {
        return String.format(
                format + " (" + format + " .. " + format + ")",
                median(values),
                Collections.min(values),
                Collections.max(values));
    }

    private static double median(List<Double> values) {
        return AnalyticsThroughput.median(
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    /** Command-line settings. */
    @Command(name = "EsperComparison")
    static final class Settings extends RunSettings {
        @Option(
                names = "--sensors",
                description = "fleet size of the measured runs (multiple of 100)")
        int sensors = 1000;

        @Option(names = "--check-sensors", description = "fleet size of the equivalence check")
        int checkSensors = 100;

        @Option(
                names = "--check-duration",
                converter = AnalyticsThroughput.ShortDuration.class,
                description = "event time of the check fleet")
        Duration checkDuration = Duration.ofMinutes(6);

        @Option(
                names = "--min-run-seconds",
                description =
                        "shortest measured run, either side, for the result to count as a"
                                + " measurement (shorter: the RESULT lines say so)")
        int minRunSeconds = 30;
    }
}
