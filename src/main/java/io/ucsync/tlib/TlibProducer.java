package io.ucsync.tlib;

import io.ucsync.concurrent.Completions;
import io.ucsync.tlib.protocol.TlibMessage;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Sends the request in the body over the link and replaces the body with the direct response event. EventError,
 * a timeout, a lost link or a passed {@link TlibConstants#SEND_BY} set a {@link io.ucsync.tlib.link.TServerLinkException}
 * on the exchange (error code and text in the message); the request is never re-sent.
 */
public class TlibProducer extends DefaultAsyncProducer {

    private final TlibEndpoint endpoint;

    public TlibProducer(TlibEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!(exchange.getMessage().getBody() instanceof TlibMessage request)) {
            exchange.setException(new InvalidPayloadException(exchange, TlibMessage.class));
            callback.done(true);
            return true;
        }
        try {
            DnLanes replies = endpoint.getComponent().replyLanes();
            endpoint.getLink()
                    .request(request, exchange.getMessage().getHeader(TlibConstants.SEND_BY, Long.class))
                    .whenComplete((response, error) -> replies.execute(request.getThisDN(), () -> {
                        if (error != null) {
                            exchange.setException(Completions.failureOf(error));
                        } else {
                            TlibConsumer.describe(exchange.getMessage(), endpoint.getName(), response);
                        }
                        callback.done(false);
                    }));
        } catch (IllegalArgumentException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        return false;
    }
}
