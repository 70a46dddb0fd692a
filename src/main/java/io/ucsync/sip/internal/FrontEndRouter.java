package io.ucsync.sip.internal;

import gov.nist.javax.sip.stack.DefaultRouter;
import java.util.ListIterator;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.message.Request;

/**
 * JAIN-SIP's router for ucsync's user agent (stack property {@code javax.sip.ROUTER_PATH}): JAIN-SIP's own routing
 * with the front-end server in use as its outbound proxy, which {@link #moveTo} changes while the stack runs (the
 * stack's {@code javax.sip.OUTBOUND_PROXY} is fixed when it starts). A request with Route headers follows them.
 */
public final class FrontEndRouter implements Router {

    private final SipStack stack;
    private volatile DefaultRouter routing;

    /** Called by the stack with its outbound proxy ({@code host:port/transport}), the first server. */
    public FrontEndRouter(SipStack stack, String outboundProxy) {
        this.stack = stack;
        this.routing = new DefaultRouter(stack, outboundProxy);
    }

    /** From now on, requests without Route headers go to this server ({@code host:port/transport}). */
    public void moveTo(String hostPortTransport) {
        routing = new DefaultRouter(stack, hostPortTransport);
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        return routing.getNextHop(request);
    }

    @Override
    public Hop getOutboundProxy() {
        return routing.getOutboundProxy();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ListIterator getNextHops(Request request) {
        return routing.getNextHops(request);
    }
}
