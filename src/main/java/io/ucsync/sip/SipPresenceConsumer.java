package io.ucsync.sip;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/**
 * Emits one exchange per worker presence, on the worker's notification thread: a worker's presences go through
 * the route one at a time and in the order they arrived. The static {@code watch} list is added to the agent's
 * watched workers when the consumer starts; it stays watched when the consumer stops (a route reload must not
 * unsubscribe), until {@link SipPresenceAgent#unwatch} or the component stops.
 */
public class SipPresenceConsumer extends DefaultConsumer implements PresenceListener {

    private final SipPresenceEndpoint endpoint;

    public SipPresenceConsumer(SipPresenceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        SipPresenceAgent agent = endpoint.getAgent();
        agent.watch(endpoint.getConfiguration().watchList());
        agent.attach(this);
    }

    @Override
    protected void doStop() throws Exception {
        endpoint.getAgent().detach(this);
        super.doStop();
    }

    @Override
    public void onPresence(PresenceNotification notification) {
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            message.setBody(notification.presence());
            message.setHeader(SipPresenceConstants.FRONT_END, endpoint.getFrontEnd());
            message.setHeader(
                    SipPresenceConstants.WORKER, notification.presence().sipUri());
            message.setHeader(SipPresenceConstants.SUBSCRIPTION_ID, notification.subscriptionId());
            message.setHeader(SipPresenceConstants.METHOD, notification.method());
            message.setHeader(SipPresenceConstants.CONTENT_TYPE, notification.contentType());
            message.setHeader(SipPresenceConstants.SUBSCRIPTION_STATE, notification.subscriptionState());
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            if (exchange.getException() != null) {
                getExceptionHandler()
                        .handleException(
                                "route failed on the presence of "
                                        + notification.presence().sipUri(),
                                exchange,
                                exchange.getException());
            }
            releaseExchange(exchange, false);
        }
    }
}
