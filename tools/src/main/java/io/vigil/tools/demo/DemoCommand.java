package io.vigil.tools.demo;

import io.vigil.cep.config.Durations;
import io.vigil.tools.Cli;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The {@code vigil demo} command line: reads the {@link DemoSettings} and runs the {@link Demo}.
 * Each option checks its value as it is read, so that the message names the option and the value.
 */
@Command(
        name = "demo",
        header = "broker, simulated fleet and job on this machine, alerts on screen",
        description = {
            "Runs everything on this machine: an MQTT broker, a simulated sensor fleet and the"
                    + " Vigil job on a",
            "local Flink mini cluster. Prints alerts as they fire; Ctrl-C stops it all."
        },
        optionListHeading = "%nOptions:%n")
public final class DemoCommand implements Callable<Integer> {

    private final PrintStream out;
    private final PrintStream err;

    @Spec private CommandSpec spec;

    @Mixin private Cli.HelpOption help;

    @Option(
            names = "--influx-url",
            paramLabel = "URL",
            description = "write to this InfluxDB (v1 /write API), e.g. http://localhost:8086")
    private String influxUrl;

    @Option(
            names = "--influx-database",
            paramLabel = "DB",
            description = "its database, created if missing (default vigil)")
    private String influxDatabase = DemoSettings.DEFAULT_DATABASE;

    private Path output;
    private int webPort = DemoSettings.DEFAULT_WEB_PORT;
    private boolean webPortGiven;
    private int devices = DemoSettings.DEFAULT_DEVICES;
    private long seed = DemoSettings.DEFAULT_SEED;
    private Duration duration = DemoSettings.DEFAULT_DURATION;

    @Unmatched private final List<String> unknown = new ArrayList<>();

    /** A demo printing to {@code out} and {@code err}. */
    public DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = {
                "without --influx-url: the line-protocol file, emptied first",
                "(default: a new temporary file)"
            })
    void output(String value) {
        try {
            output = Path.of(value);
        } catch (InvalidPathException e) {
            throw bad(String.format("--output must be a file path, was '%s'", value));
        }
    }

    @Option(
            names = "--web-port",
            paramLabel = "N",
            description = "port of Flink's web UI (default 8081, or a free one if 8081 is taken)")
    void webPort(String value) {
        webPort = integer("--web-port", value, 1, 65535);
        webPortGiven = true;
    }

    @Option(
            names = "--devices",
            paramLabel = "N",
            description = "simulated devices, half microphones, half pumps (default 40)")
    void devices(String value) {
        devices = integer("--devices", value, 2, 10_000);
    }

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = {
                "seed of the simulation (default 1; the first seed from S on whose",
                "first sound burst comes early is used)"
            })
    void seed(String value) {
        try {
            seed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw bad(String.format("--seed must be a number, was '%s'", value));
        }
    }

    @Option(
            names = "--duration",
            paramLabel = "D",
            description = {
                "how long the simulated fleet sends (default 1h, at least 2m);",
                "the job keeps running until Ctrl-C"
            })
    void duration(String value) {
        Duration parsed;
        try {
            parsed = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad("--duration: " + e.getMessage());
        }
        if (parsed.compareTo(DemoSettings.MIN_DURATION) < 0) {
            throw bad(
                    String.format(
                            "--duration must be at least %s (episodes keep 30 s from either end),"
                                    + " was %s",
                            Durations.format(DemoSettings.MIN_DURATION), value));
        }
        duration = parsed;
    }

    /** Runs the demo until Ctrl-C: 0 after Ctrl-C, 1 when a part fails. */
    @Override
    public Integer call() {
        return Demo.run(settings(), out, err);
    }

    /** The settings read, after the checks that span options. */
    DemoSettings settings() {
        if (!unknown.isEmpty()) {
            throw bad(String.format("demo has no option '%s'", unknown.get(0)));
        }
        if (influxUrl != null && output != null) {
            throw bad(
                    "--output and --influx-url exclude each other: the demo writes to one of them");
        }
        return new DemoSettings(
                influxUrl, influxDatabase, webPort, webPortGiven, devices, seed, output, duration);
    }

    /** Reads {@code args} as {@code vigil demo} would, without running anything. */
    static DemoSettings parse(String... args) {
        DemoCommand command = new DemoCommand(System.out, System.err);
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    private int integer(String option, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw bad(
                String.format(
                        "%s must be a whole number from %d to %d, was '%s'",
                        option, min, max, value));
    }

    private CommandLine.ParameterException bad(String message) {
        return Cli.usageError(spec.commandLine(), message);
    }
}
