package io.vigil.tools.demo;

import io.vigil.model.Alert;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Prints each alert event (firing or resolved) as one readable line to a stream of the JVM that
 * runs the job: the demo's console.
 *
 * <p>A sink is serialized on its way to the TaskManager, a {@link PrintStream} is not: the sink
 * carries the name of a console registered with {@link #register}, which works because the demo's
 * mini cluster runs in the demo's own JVM.
 *
 * <pre>{@code
 * AlertPrinter.register("demo", System.out);
 * alerts.sinkTo(new AlertPrinter("demo", ZoneId.systemDefault()));
 * }</pre>
 */
public final class AlertPrinter implements Sink<Alert> {

    private static final long serialVersionUID = 1L;

    private static final Map<String, Console> CONSOLES = new ConcurrentHashMap<>();

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final String console;
    private final ZoneId zone;

    public AlertPrinter(String console, ZoneId zone) {
        this.console = console;
        this.zone = zone;
    }

    /** Makes {@code out} the stream of the console {@code name}; returns its alert counter. */
    public static AtomicLong register(String name, PrintStream out) {
        Console registered = new Console(out, new AtomicLong());
        CONSOLES.put(name, registered);
        return registered.printed();
    }

    public static void unregister(String name) {
        CONSOLES.remove(name);
    }

    /**
     * One alert event as a line. A firing event (also a reminder or an escalation): local time of
     * the alert's first reading, {@code FIRING}, pattern, {@code site/device metric}, peak,
     * severity and the pattern's message, e.g. {@code 10:21:37 FIRING sound-burst plant-a/mic-03
     * sound peak 97.4 (warning) 4 readings above 85 over 3 s, peak 97.4}. A resolved event: local
     * time it resolved, {@code RESOLVED}, pattern, key, how long the alert lasted and its severity,
     * e.g. {@code 10:21:41 RESOLVED sound-burst plant-a/mic-03 sound after 4.2 s (warning)}.
     */
    public static String format(Alert alert, ZoneId zone) {
        if (!alert.isFiring()) {
            return String.format(
                    Locale.ROOT,
                    "%s RESOLVED %-15s %s/%s %s  after %.1f s  (%s)",
                    TIME.format(Instant.ofEpochMilli(alert.endedAt()).atZone(zone)),
                    alert.pattern(),
                    alert.site(),
                    alert.device(),
                    alert.metric(),
                    alert.durationMillis() / 1000.0,
                    alert.severity());
        }
        return String.format(
                Locale.ROOT,
                "%s FIRING   %-15s %s/%s %s  peak %s  (%s) %s",
                TIME.format(Instant.ofEpochMilli(alert.startedAt()).atZone(zone)),
                alert.pattern(),
                alert.site(),
                alert.device(),
                alert.metric(),
                Double.isFinite(alert.peak())
                        ? String.format(Locale.ROOT, "%.1f", alert.peak())
                        : "-",
                alert.severity(),
                alert.message());
    }

    /** The stream of the console {@code name}, registered in this JVM. */
    static PrintStream console(String name) {
        Console target = CONSOLES.get(name);
        if (target == null) {
            throw new IllegalStateException(
                    String.format(
                            "No console '%s' registered in this JVM: the printers work only on a"
                                    + " mini cluster inside the program that registered it",
                            name));
        }
        return target.out();
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        console(console);
        Console target = CONSOLES.get(console);
        return new SinkWriter<>() {
            @Override
            public void write(Alert alert, Context context) {
                target.out().println(format(alert, zone));
                target.printed().incrementAndGet();
            }

            @Override
            public void flush(boolean endOfInput) {
                target.out().flush();
            }

            @Override
            public void close() {}
        };
    }

    private record Console(PrintStream out, AtomicLong printed) {}
}
