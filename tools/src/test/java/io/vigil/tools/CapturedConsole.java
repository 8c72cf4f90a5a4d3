package io.vigil.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs {@code vigil} command lines in-process and keeps what they print to stdout and stderr. */
public final class CapturedConsole {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    /** Runs {@code vigil args...} with an empty environment and returns its exit code. */
    public int vigil(String... args) {
        return VigilCli.run(args, Map.of(), outStream, errStream);
    }

    /** Runs {@code vigil command args...}. */
    public int command(String command, String... args) {
        String[] commandLine = new String[args.length + 1];
        commandLine[0] = command;
        System.arraycopy(args, 0, commandLine, 1, args.length);
        return vigil(commandLine);
    }

    public PrintStream outStream() {
        return outStream;
    }

    public PrintStream errStream() {
        return errStream;
    }

    /** What was printed to stdout so far. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What was printed to stderr so far. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was printed. */
    public void reset() {
        out.reset();
        err.reset();
    }
}
