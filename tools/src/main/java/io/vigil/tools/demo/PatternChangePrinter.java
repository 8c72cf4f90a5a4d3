package io.vigil.tools.demo;

import io.vigil.cep.live.PatternChange;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Prints each change of the pattern files as one line to an {@link AlertPrinter} console, so that
 * the demo shows an edit of its pattern file taking effect (or being rejected) beside the alerts.
 */
final class PatternChangePrinter implements Sink<PatternChange> {

    private static final long serialVersionUID = 1L;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final String console;
    private final ZoneId zone;

    PatternChangePrinter(String console, ZoneId zone) {
        this.console = console;
        this.zone = zone;
    }

    /** E.g. {@code 10:21:37 PATTERNS v2 in force: sound-burst, thermal-drift}. */
    static String format(PatternChange change, ZoneId zone) {
        String time = TIME.format(Instant.ofEpochMilli(change.time()).atZone(zone));
        return change.accepted()
                ? String.format(
                        "%s PATTERNS v%d in force: %s",
                        time, change.version(), change.patterns().replace(",", ", "))
                : String.format(
                        "%s PATTERNS rejected, v%d stays in force:%n%s",
                        time, change.version(), change.error());
    }

    @Override
    public SinkWriter<PatternChange> createWriter(WriterInitContext context) {
        PrintStream out = AlertPrinter.console(console);
        return new SinkWriter<>() {
            @Override
            public void write(PatternChange change, Context context) {
                out.println(format(change, zone));
            }

            @Override
            public void flush(boolean endOfInput) {
                out.flush();
            }

            @Override
            public void close() {}
        };
    }
}
