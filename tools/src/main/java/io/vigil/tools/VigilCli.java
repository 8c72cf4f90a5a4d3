package io.vigil.tools;

import io.vigil.cep.config.PatternConfigException;
import io.vigil.cep.config.PatternConfigException.ConfigError;
import io.vigil.cep.config.PatternConfigLoader;
import io.vigil.cep.config.PatternSpec;
import io.vigil.job.JobConfigException;
import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.job.VigilJobOptions;
import io.vigil.tools.demo.Demo;
import io.vigil.tools.simulator.SimulatorCli;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;

/**
 * The {@code vigil} command line: one subcommand per task, started by the {@code ./vigil} script.
 *
 * <pre>{@code
 * ./vigil validate cep-patterns/patterns/default.yaml my-patterns.yaml
 * ./vigil run --config jobs/vigil.example.yaml --mqtt.qos 2
 * ./vigil simulate --broker tcp://localhost:1883 --devices 50 --duration 10m
 * }</pre>
 */
public final class VigilCli {

    /** Success. */
    public static final int OK = 0;

    /** The command ran and found problems, e.g. invalid pattern files. */
    public static final int FAILED = 1;

    /** The command line itself is wrong. */
    public static final int USAGE = 2;

    static final String USAGE_TEXT =
            String.join(
                    "\n",
                    "Usage: vigil COMMAND [ARGS...]",
                    "",
                    "Commands:",
                    "  validate FILE...   check pattern config files (or directories of them);",
                    "                     prints each file's patterns, or every error found",
                    "  demo [OPTIONS]     broker, simulated fleet and job on this machine, alerts",
                    "                     on screen (demo --help)",
                    "  run --config FILE [--key value ...]",
                    "                     run the job on a local Flink mini cluster with its web",
                    "                     UI (rest.port, default 8081), against the broker and",
                    "                     InfluxDB the config names",
                    "  simulate --broker URI [options]",
                    "                     publish a simulated fleet with injected anomalies;",
                    "                     simulate --help lists the options",
                    "  help               print this text",
                    "",
                    "Exit codes: 0 ok, 1 the command failed (e.g. invalid files), 2 usage error.");

    private VigilCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line and returns its exit code; {@link #main} only adds the exit. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return usageError(err, "no command given");
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        return switch (args[0]) {
            case "validate" -> validate(rest, out, err);
            case "demo" -> Demo.run(rest.toArray(String[]::new), out, err);
            case "run" -> runJob(rest, err);
            case "simulate" -> SimulatorCli.run(rest.toArray(String[]::new), out, err);
            case "help", "-h", "--help" -> {
                out.println(USAGE_TEXT);
                yield OK;
            }
            default -> usageError(err, String.format("unknown command '%s'", args[0]));
        };
    }

    private static int validate(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            return usageError(err, "validate needs at least one pattern file");
        }
        List<Path> files = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("-")) {
                return usageError(err, String.format("validate has no option '%s'", arg));
            }
            try {
                files.add(Path.of(arg));
            } catch (InvalidPathException e) {
                return usageError(err, String.format("'%s' is not a file path", arg));
            }
        }
        Map<Path, List<PatternSpec>> byFile;
        try {
            byFile = PatternConfigLoader.loadByFile(files);
        } catch (PatternConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            long badFiles = e.errors().stream().map(ConfigError::file).distinct().count();
            err.printf(
                    "INVALID: %d error%s in %d file%s%n",
                    e.errors().size(),
                    e.errors().size() == 1 ? "" : "s",
                    badFiles,
                    badFiles == 1 ? "" : "s");
            return FAILED;
        }
        byFile.forEach(
                (file, patterns) ->
                        out.printf(
                                "OK: %s (%d pattern%s: %s)%n",
                                file,
                                patterns.size(),
                                patterns.size() == 1 ? "" : "s",
                                patterns.stream()
                                        .map(PatternSpec::name)
                                        .collect(Collectors.joining(", "))));
        return OK;
    }

    /**
     * Runs the job in this JVM until it ends or the process is stopped; a bad config or pattern
     * file stops it before anything starts.
     */
    private static int runJob(List<String> args, PrintStream err) {
        JobSetup setup;
        try {
            setup = JobSetup.fromArgs(args.toArray(String[]::new));
        } catch (JobConfigException e) {
            err.println(e.getMessage());
            err.println("vigil: not started: fix the configuration above");
            return FAILED;
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(setup.config());
        try {
            SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
            env.execute(setup.config().get(VigilJobOptions.JOB_NAME));
            return OK;
        } catch (Exception e) {
            err.println("vigil: the job failed: " + ExceptionUtils.stringifyException(e));
            return FAILED;
        }
    }

    private static int usageError(PrintStream err, String problem) {
        err.println("vigil: " + problem);
        err.println();
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
