package io.vigil.tools.demo;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The demo's terminal: each line it prints starts with the wall-clock time. */
final class DemoConsole {

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final PrintStream out;

    DemoConsole(PrintStream out) {
        this.out = out;
    }

    void say(String format, Object... args) {
        say(String.format(Locale.ROOT, format, args));
    }

    void say(String line) {
        out.println(CLOCK.format(LocalTime.now()) + " " + line);
    }

    /** A stream whose complete lines are said with {@code prefix} in front. */
    PrintStream prefixed(String prefix) {
        return new PrintStream(new LinePrefixer(prefix), true, StandardCharsets.UTF_8);
    }

    /** Forwards each complete line to the console, with a prefix in front. */
    private final class LinePrefixer extends OutputStream {
        private final String prefix;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LinePrefixer(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                say(prefix + line.toString(StandardCharsets.UTF_8).strip());
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
