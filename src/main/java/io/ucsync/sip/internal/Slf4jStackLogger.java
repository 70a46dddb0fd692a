package io.ucsync.sip.internal;

import gov.nist.core.StackLogger;
import io.ucsync.presence.LogText;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's internal log, sent to slf4j under the logger {@code gov.nist.javax.sip} instead of the log4j 1.x
 * {@code LogWriter}. JAIN-SIP keeps one such logger for the whole JVM (a static in {@code CommonLogger}).
 * <p>
 * Everything JAIN-SIP logs, its errors included, goes to DEBUG: what matters to an operator reaches ucsync as an
 * event (a request that cannot be sent or gets no answer, a message the front door refused) and ucsync reports it
 * once, in its own words. The stack's own error lines repeat per request and per retry ({@code Problem connecting
 * ...}, {@code Problem sending: sendBytes TCP ...}, a bare {@code {}}), and some carry whole messages or the raw
 * bytes of a datagram ({@code Error while processing incoming UDP packet[79, 80, ...]}): they are cut to one line of
 * printable text ({@link LogText}) and never shown at the default level. Its TRACE lines stay as they are.
 */
public final class Slf4jStackLogger implements StackLogger {

    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");
    /** The message trace of {@link Slf4jServerLogger}, which JAIN-SIP feeds only when its INFO level is on. */
    private static final Logger WIRE = LoggerFactory.getLogger(Slf4jServerLogger.WIRE_LOGGER);

    @Override
    public void logStackTrace() {
        logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int traceLevel) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("stack trace", new Throwable("stack trace"));
        }
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("JAIN-SIP exception: {}", LogText.printable(String.valueOf(ex)), ex);
        }
    }

    @Override
    public void logDebug(String message) {
        debug(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(LogText.printable(message), ex);
        }
    }

    @Override
    public void logTrace(String message) {
        LOG.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        debug(message);
    }

    @Override
    public void logError(String message) {
        debug(message);
    }

    @Override
    public void logError(String message, Exception ex) {
        logDebug(message, ex);
    }

    @Override
    public void logWarning(String message) {
        debug(message);
    }

    @Override
    public void logInfo(String message) {
        debug(message);
    }

    private static void debug(String message) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(LogText.printable(message));
        }
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isDebugEnabled();
    }

    /**
     * JAIN-SIP asks before it builds a line. Its INFO level also gates the message trace, which the wire logger
     * wants at TRACE.
     */
    @Override
    public boolean isLoggingEnabled(int logLevel) {
        if (logLevel >= TRACE_TRACE) {
            return LOG.isTraceEnabled();
        }
        if (logLevel == TRACE_MESSAGES) {
            return LOG.isDebugEnabled() || WIRE.isTraceEnabled();
        }
        return logLevel > TRACE_NONE && LOG.isDebugEnabled();
    }

    @Override
    public void disableLogging() {
        // Levels are the logging framework's business.
    }

    @Override
    public void enableLogging() {
        // Levels are the logging framework's business.
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        LOG.debug("JAIN-SIP build {}", buildTimeStamp);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // Nothing to configure: levels come from the logging framework.
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }
}
