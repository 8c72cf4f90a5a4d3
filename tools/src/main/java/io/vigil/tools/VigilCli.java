package io.vigil.tools;

import io.vigil.tools.demo.DemoCommand;
import io.vigil.tools.simulator.SimulatorCli;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The {@code vigil} command line: one subcommand per task, started by the {@code ./vigil} script.
 *
 * <pre>{@code
 * ./vigil validate cep-patterns/patterns/default.yaml my-patterns.yaml
 * ./vigil run --config jobs/vigil.example.yaml --mqtt.qos 2
 * ./vigil simulate --broker tcp://localhost:1883 --devices 50 --duration 10m
 * }</pre>
 */
@Command(
        name = "vigil",
        customSynopsis = "vigil COMMAND [ARGS...]",
        description = "Vigil's command line; COMMAND --help describes each command.",
        commandListHeading = "%nCommands:%n",
        footer = {
            "",
            "Exit codes: 0 ok, 1 the command failed (e.g. invalid files), 2 usage error."
        })
public final class VigilCli implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private Cli.HelpOption help;

    @Unmatched private final List<String> unknown = new ArrayList<>();

    private VigilCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line and returns its exit code; {@link #main} only adds the exit. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with {@code env} as the environment. */
    public static int run(
            String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return commandLine(env, out, err).execute(args);
    }

    /** The usage text of {@code vigil help}. */
    static String usage() {
        return commandLine(Map.of(), System.out, System.err).getUsageMessage();
    }

    private static CommandLine commandLine(
            Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine commandLine =
                new CommandLine(new VigilCli())
                        .addSubcommand(new ValidateCommand())
                        .addSubcommand(new DemoCommand(out, err))
                        .addSubcommand(new RunCommand())
                        .addSubcommand(new SimulatorCli(env, out, err))
                        .addSubcommand(new HelpCommand());
        return Cli.configure(commandLine, out, err);
    }

    /** Without a command, or with one it does not know. */
    @Override
    public Integer call() {
        throw Cli.usageError(
                spec.commandLine(),
                unknown.isEmpty()
                        ? "no command given"
                        : String.format("unknown command '%s'", unknown.get(0)));
    }
}
