package io.ucsync.sip.peers;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects the log lines of one logger (and its children) during a test, through a log4j2 appender. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> withStackTraces = new CopyOnWriteArrayList<>();
    private final String loggerName;

    /**
     * The loggers of the SIP user agent's parts ({@code io.ucsync.sip.internal}): subscriptions, notifications,
     * publications, registration. Most are package-private classes a test cannot name.
     */
    public static final String SIP_INTERNALS = "io.ucsync.sip.internal";

    private LogCapture(String loggerName) {
        super("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY);
        this.loggerName = loggerName;
    }

    /** Starts capturing {@code loggerName} at INFO and above. */
    public static LogCapture of(Class<?> logger) {
        return of(logger.getName());
    }

    /** Starts capturing the logger of this name at INFO and above (for a class the test cannot name). */
    public static LogCapture of(String loggerName) {
        LogCapture capture = new LogCapture(loggerName);
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig loggerConfig = new LoggerConfig(capture.loggerName, Level.INFO, true);
        loggerConfig.addAppender(capture, Level.INFO, null);
        config.addLogger(capture.loggerName, loggerConfig);
        context.updateLoggers();
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        String line = event.getLevel() + " " + event.getMessage().getFormattedMessage();
        lines.add(line);
        if (event.getThrown() != null) {
            withStackTraces.add(line);
        }
    }

    /** The lines that came with an exception, which the log prints as a stack trace below them. */
    public List<String> linesWithStackTraces() {
        return List.copyOf(withStackTraces);
    }

    /** The lines so far, as "LEVEL message". */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines containing all of {@code parts}. */
    public List<String> linesWith(String... parts) {
        return lines.stream()
                .filter(line -> {
                    for (String part : parts) {
                        if (!line.contains(part)) {
                            return false;
                        }
                    }
                    return true;
                })
                .toList();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().removeLogger(loggerName);
        context.updateLoggers();
        stop();
    }
}
