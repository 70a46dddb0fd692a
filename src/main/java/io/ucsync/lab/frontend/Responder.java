package io.ucsync.lab.frontend;

import io.ucsync.presence.LogText;
import java.text.ParseException;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.header.FromHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answering: the front end's responses to requests, sent statelessly, and refusals with the reason in the status
 * line and in one log line. Apart from the request handling so that every answer, whichever request it ends, is made
 * and logged the same way.
 */
final class Responder {

    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);

    /** Adds what a response carries beyond its status. */
    @FunctionalInterface
    interface ResponseFiller {
        void fill(Response response) throws ParseException, SipException, InvalidArgumentException;
    }

    private final SipProvider provider;
    private final MessageFactory messages;

    Responder(SipProvider provider, MessageFactory messages) {
        this.provider = provider;
        this.messages = messages;
    }

    /** Answers with {@code status}, filled by {@code filler} when not null. */
    void respond(Request request, int status, ResponseFiller filler)
            throws SipException, ParseException, InvalidArgumentException {
        Response response = messages.createResponse(status, request);
        if (filler != null) {
            filler.fill(response);
        }
        provider.sendResponse(response);
    }

    /** Refuses a request with the reason in the status line, and says so in one log line. */
    void refuse(Request request, int status, String reason)
            throws SipException, ParseException, InvalidArgumentException {
        LOG.warn(
                "{} from {} refused ({}): {}", request.getMethod(), sender(request), status, LogText.printable(reason));
        // a reason phrase is one line of printable text
        String phrase = reason.replaceAll("[\\p{Cntrl}]", " ");
        respond(request, status, response -> response.setReasonPhrase(phrase));
    }

    /**
     * Refuses a body that is not of the one type the method takes (415), or returns false when it is: the caller goes
     * on.
     */
    boolean refusedUnlessOfType(Request request, String expected)
            throws SipException, ParseException, InvalidArgumentException {
        String given = RequestHeaders.mediaType(request);
        if (expected.equals(given)) {
            return false;
        }
        refuse(
                request,
                Response.UNSUPPORTED_MEDIA_TYPE,
                request.getMethod() + " body must be " + expected + ", not " + given);
        return true;
    }

    /** The request's From URI, as a log line may show it. */
    static String sender(Request request) {
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        return LogText.printable(
                from == null ? null : from.getAddress().getURI().toString());
    }
}
