package io.vigil.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log event of this JVM at or above a level, while open: added to log4j's root logger. The
 * other appenders (the console) show only warnings and errors meanwhile, so that a capture at DEBUG
 * does not flood the test output.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    /** One captured event: its level, logger, message and stack trace as text. */
    public record Line(Level level, String logger, String text) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Level rootLevel;
    private final Map<String, Appender> others;

    private LogCapture(Level level) {
        super("capture-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
        LoggerConfig root = config().getRootLogger();
        rootLevel = root.getLevel();
        others = Map.copyOf(root.getAppenders());
        // The other appenders (the console) keep showing only warnings and errors.
        others.forEach(
                (name, appender) -> {
                    root.removeAppender(name);
                    root.addAppender(appender, Level.WARN, null);
                });
        start();
        root.addAppender(this, level, null);
        // The root logger's own level filters before any appender sees the event.
        root.setLevel(level);
        context().updateLoggers();
    }

    public static LogCapture start(Level level) {
        return new LogCapture(level);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Whether a line captured so far starts with {@code start}. */
    public boolean hasLineStartingWith(String start) {
        return lines().stream().anyMatch(line -> line.text().startsWith(start));
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
            text.append(System.lineSeparator()).append(t);
            for (StackTraceElement frame : t.getStackTrace()) {
                text.append(System.lineSeparator()).append("\tat ").append(frame);
            }
        }
        lines.add(new Line(event.getLevel(), event.getLoggerName(), text.toString()));
    }

    @Override
    public void close() {
        LoggerConfig root = config().getRootLogger();
        root.removeAppender(getName());
        others.forEach(
                (name, appender) -> {
                    root.removeAppender(name);
                    root.addAppender(appender, null, null);
                });
        root.setLevel(rootLevel);
        context().updateLoggers();
        stop();
    }

    private static LoggerContext context() {
        return (LoggerContext) LogManager.getContext(false);
    }

    private static Configuration config() {
        return context().getConfiguration();
    }
}
