package io.ucsync.sip;

import io.ucsync.concurrent.Completions;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultAsyncProducer;

/**
 * Publishes the {@link PresencePublication} in the body: MS-PRES SERVICE with a state category, or SIMPLE
 * PUBLISH with PIDF. On success the headers {@link SipPresenceConstants#STATUS_CODE} and
 * {@link SipPresenceConstants#PUBLICATION_TAG} tell the answer; on failure the exchange carries a
 * {@link SipPresenceException} naming the status code and reason phrase.
 */
public class SipPresenceProducer extends DefaultAsyncProducer {

    private final SipPresenceEndpoint endpoint;

    public SipPresenceProducer(SipPresenceEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Message in = exchange.getMessage();
        Object body = in.getBody();
        if (!(body instanceof PresencePublication publication)) {
            exchange.setException(new InvalidPayloadException(exchange, PresencePublication.class));
            callback.done(true);
            return true;
        }
        endpoint.getAgent().publish(publication).whenComplete((result, error) -> {
            if (error != null) {
                exchange.setException(Completions.failureOf(error));
            } else {
                Message out = exchange.getMessage();
                out.setHeader(SipPresenceConstants.WORKER, publication.sipUri());
                out.setHeader(SipPresenceConstants.STATUS_CODE, result.statusCode());
                out.setHeader(SipPresenceConstants.PUBLICATION_TAG, result.tag());
            }
            callback.done(false);
        });
        return false;
    }
}
