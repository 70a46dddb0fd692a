package io.ucsync.sip.internal;

import java.io.IOException;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.core.StackLogger;

/**
 * JAIN-SIP's internal log, sent to slf4j under the logger {@code gov.nist.javax.sip} instead of the log4j 1.x
 * {@code LogWriter}. JAIN-SIP keeps one such logger for the whole JVM (a static in {@code CommonLogger}).
 */
public final class Slf4jStackLogger implements StackLogger {

    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");

    @Override
    public void logStackTrace() {
        logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int traceLevel) {
        if (isLoggingEnabled(traceLevel)) {
            LOG.debug("stack trace", new Throwable("stack trace"));
        }
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        LOG.error("JAIN-SIP exception", ex);
    }

    @Override
    public void logDebug(String message) {
        LOG.debug(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        LOG.debug(message, ex);
    }

    @Override
    public void logTrace(String message) {
        LOG.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        LOG.error(message);
    }

    @Override
    public void logError(String message) {
        LOG.error(message);
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isErrorEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        if (logLevel >= TRACE_TRACE) {
            return LOG.isTraceEnabled();
        }
        if (logLevel >= TRACE_DEBUG) {
            return LOG.isDebugEnabled();
        }
        if (logLevel >= TRACE_INFO) {
            return LOG.isInfoEnabled();
        }
        if (logLevel >= TRACE_WARN) {
            return LOG.isWarnEnabled();
        }
        return logLevel > TRACE_NONE && LOG.isErrorEnabled();
    }

    /**
     * An I/O failure (a connection refused, a TLS handshake failed) also reaches the request it was for, which the
     * component reports in one line; the stack's own report of it, with its stack trace, is for debugging only.
     */
    @Override
    public void logError(String message, Exception ex) {
        if (ex instanceof IOException) {
            LOG.debug(message, ex);
        } else {
            LOG.error(message, ex);
        }
    }

    @Override
    public void logWarning(String message) {
        LOG.warn(message);
    }

    @Override
    public void logInfo(String message) {
        LOG.info(message);
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
