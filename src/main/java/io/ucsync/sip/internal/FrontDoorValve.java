package io.ucsync.sip.internal;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;
import javax.sip.SipStack;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests {@link StrictMessageParser} refused (stack property {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}),
 * before the stack makes a transaction for them or passes them to the application: statelessly, over a datagram to
 * the address and port the request came from (never to a Via it may have forged), over a stream on its connection,
 * which is then closed when its framing is lost. Every other message passes, and is counted: the stack's
 * {@code received} count in {@link io.ucsync.sip.SipStackCounters}.
 */
public final class FrontDoorValve implements SIPMessageValve {

    private static final Logger LOG = LoggerFactory.getLogger(FrontDoorValve.class);

    private final LongAdder passed = new LongAdder();

    /** Messages let through to the stack's processing since the stack started. */
    public long passed() {
        return passed.sum();
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (!(request.getApplicationData() instanceof StrictMessageParser.Refused refused)) {
            passed.increment();
            return true;
        }
        SIPResponse response = request.createResponse(
                refused.refusal().status(), refused.refusal().reasonPhrase());
        try {
            if (channel.isReliable()) {
                channel.sendMessage(response);
            } else {
                channel.sendMessage(response, channel.getPeerPacketSourceAddress(), channel.getPeerPacketSourcePort());
            }
        } catch (IOException e) {
            LOG.debug("the answer to a refused request could not be sent: {}", e.getMessage());
        }
        if (refused.closeConnection() && channel.isReliable()) {
            channel.close();
        }
        return false;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        passed.increment();
        return true;
    }

    @Override
    public void init(SipStack stack) {
        // Nothing to set up: the refusal travels with the request.
    }

    @Override
    public void destroy() {
        // Nothing held.
    }
}
