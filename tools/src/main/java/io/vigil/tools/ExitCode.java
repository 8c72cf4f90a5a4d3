package io.vigil.tools;

/**
 * The exit codes of every {@code vigil} command, the same numbers picocli uses for its own {@code
 * ExitCode}.
 */
public final class ExitCode {

    /** Success. */
    public static final int OK = 0;

    /** The command ran and failed or found problems, e.g. invalid pattern files. */
    public static final int FAILED = 1;

    /** The command line itself is wrong. */
    public static final int USAGE = 2;

    private ExitCode() {}
}
