package io.ucsync.tlib;

import io.ucsync.tlib.link.EventKind;
import io.ucsync.tlib.link.TServerLinkListener;
import io.ucsync.tlib.protocol.TlibMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * Emits one exchange per event the link did not ask for, off the link's I/O thread so that a slow route never stalls
 * it: the events of one DN one at a time and in the order the T-Server sent them, those of different DNs side by side
 * on {@code eventThreads} lanes ({@link DnLanes}). The static {@code dns} list is
 * registered when the consumer starts and stays registered when it stops (a route reload must not drop the
 * registrations the rest of the connector relies on).
 */
public class TlibConsumer extends DefaultConsumer implements TServerLinkListener {

    private final TlibEndpoint endpoint;
    private DnLanes events;

    public TlibConsumer(TlibEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        String name = "tlib-events-" + endpoint.getName();
        events = new DnLanes(
                endpoint.getCamelContext().getExecutorServiceManager(),
                this,
                name,
                endpoint.getConfiguration().getEventThreads());
        for (String dn : endpoint.getConfiguration().dnList()) {
            endpoint.getLink().register(dn);
        }
        endpoint.getLink().addListener(this);
    }

    @Override
    protected void doStop() throws Exception {
        endpoint.getLink().removeListener(this);
        if (events != null) {
            events.shutdown();
            events = null;
        }
        super.doStop();
    }

    @Override
    public void onEvent(TlibMessage event, EventKind kind) {
        DnLanes lanes = events;
        if (lanes != null) {
            lanes.execute(event.getThisDN(), () -> process(event, kind));
        }
    }

    private void process(TlibMessage event, EventKind kind) {
        Exchange exchange = createExchange(false);
        try {
            describe(exchange.getMessage(), endpoint.getName(), event);
            exchange.getMessage().setHeader(TlibConstants.RESYNC, kind.fromResync());
            exchange.getMessage().setHeader(TlibConstants.NEW_SERVER, kind == EventKind.RESYNC_ON_NEW_SERVER);
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("route failed on " + event, exchange, exchange.getException());
            }
            releaseExchange(exchange, false);
        }
    }

    /** Puts the message in the body and its identifying attributes in the headers. */
    static void describe(Message message, String link, TlibMessage tlib) {
        message.setBody(tlib);
        message.setHeader(TlibConstants.LINK, link);
        message.setHeader(TlibConstants.MESSAGE_TYPE, tlib.name());
        message.setHeader(TlibConstants.THIS_DN, tlib.getThisDN());
        message.setHeader(TlibConstants.AGENT_ID, tlib.getAgentId());
    }
}
