package io.ucsync.sip.internal;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's message trace, sent to slf4j: every SIP message sent or received is logged at TRACE under
 * {@code io.ucsync.sip.wire}. Messages carry presence and credentials' digests, so this stays off in production.
 */
public final class Slf4jServerLogger implements ServerLogger {

    /** The logger of the message trace. */
    static final String WIRE_LOGGER = "io.ucsync.sip.wire";

    private static final Logger WIRE = LoggerFactory.getLogger(WIRE_LOGGER);

    @Override
    public void closeLogFile() {
        // No file.
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        trace(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        trace(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        trace(message, from, to, sender);
    }

    private static void trace(SIPMessage message, String from, String to, boolean sender) {
        if (WIRE.isTraceEnabled()) {
            WIRE.trace("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message.encode());
        }
    }

    @Override
    public void logException(Exception ex) {
        WIRE.debug("JAIN-SIP message exception", ex);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // Nothing to configure: the level comes from the logging framework.
    }

    @Override
    public void setSipStack(SipStack sipStack) {
        // Not needed: messages carry their own addresses.
    }
}
