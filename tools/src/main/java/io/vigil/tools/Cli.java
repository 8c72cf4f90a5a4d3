package io.vigil.tools;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Vigil's conventions for picocli command lines: a bad command line prints {@code "COMMAND:
 * message"} and the usage of that command to stderr and exits with {@link ExitCode#USAGE}; help
 * goes to stdout.
 */
public final class Cli {

    private Cli() {}

    /** The {@code -h, --help} option of every command, as a picocli mixin. */
    public static final class HelpOption {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "print this text")
        private boolean help;
    }

    /** A value a converter refuses; its message is the whole error, option name included. */
    public static final class BadValue extends TypeConversionException {
        private static final long serialVersionUID = 1L;

        public BadValue(String message) {
            super(message);
        }
    }

    /**
     * Applies the conventions to {@code commandLine} and the subcommands it already has, printing
     * to {@code out} and {@code err}.
     */
    public static CommandLine configure(CommandLine commandLine, PrintStream out, PrintStream err) {
        commandLine.setOut(writer(out));
        commandLine.setErr(writer(err));
        // "@file" arguments are read as they are: a value may start with '@'.
        commandLine.setExpandAtFiles(false);
        // A command's header is its line in the parent's command list; its own help starts with
        // the usage line.
        List<String> sections = new ArrayList<>(commandLine.getHelpSectionKeys());
        sections.remove(UsageMessageSpec.SECTION_KEY_HEADER);
        commandLine.setHelpSectionKeys(sections);
        commandLine.setParameterExceptionHandler(
                (e, args) -> {
                    CommandLine failed = e.getCommandLine();
                    PrintWriter writer = failed.getErr();
                    writer.println(failed.getCommandSpec().qualifiedName() + ": " + message(e));
                    writer.println();
                    failed.usage(writer);
                    writer.flush();
                    return ExitCode.USAGE;
                });
        return commandLine;
    }

    /** A usage error of {@code commandLine}'s command, for the checks a command makes itself. */
    public static ParameterException usageError(CommandLine commandLine, String message) {
        return new ParameterException(commandLine, message);
    }

    /** The message of a usage error, in Vigil's words where picocli's would be its own. */
    static String message(ParameterException e) {
        if (e.getCause() instanceof BadValue) {
            return e.getCause().getMessage();
        }
        if (e instanceof CommandLine.MissingParameterException missing
                && optionName(missing.getMissing()) != null) {
            return optionName(missing.getMissing()) + " needs a value";
        }
        if (e instanceof OverwrittenOptionException overwritten
                && overwritten.getOverwritten() instanceof OptionSpec option) {
            return option.longestName() + " is given twice";
        }
        if (e.getArgSpec() instanceof OptionSpec option && e.getValue() != null) {
            return option.arity().max() == 0
                    ? String.format(
                            "%s takes no value, got '%s'", option.longestName(), e.getValue())
                    : String.format("%s has a bad value '%s'", option.longestName(), e.getValue());
        }
        return e.getMessage();
    }

    private static String optionName(List<ArgSpec> specs) {
        return specs.size() == 1 && specs.get(0) instanceof OptionSpec option
                ? option.longestName()
                : null;
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }
}
