package io.ucsync.lab.frontend;

import io.ucsync.presence.LogText;
import io.ucsync.presence.MsPresFault;
import io.ucsync.presence.MsPresPublishDocument;
import io.ucsync.presence.PresenceDocumentException;
import io.ucsync.presence.StatePublication;
import java.text.ParseException;
import java.util.List;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipException;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front end's SIP side: what arrives from the stack and the answer each request gets. REGISTER is answered 200;
 * SUBSCRIBE goes to {@link SubscribeRequests}; SERVICE keeps
 * ucsync's state publications with their MS-PRES versions; OPTIONS, a stray NOTIFY and unknown methods get what
 * RFC 3261 and RFC 6665 say; while the front end is unavailable, every request is answered 503. Apart from the
 * emulator's Java API so that the protocol reads in one place, and apart from the subscriptions and presences it
 * changes because the API changes those too.
 * <p>
 * The stack's one listener thread calls it; subscriptions and presences are read and changed under the front end's
 * lock, which also orders what goes out.
 */
final class SipRequestHandler implements SipListener {

    private static final Logger LOG = LoggerFactory.getLogger(SipRequestHandler.class);
    /** The longest registration or subscription granted, in seconds. */
    static final int MAX_EXPIRES = 3600;

    private static final String SERVICE = "SERVICE";
    private static final String STATE_CATEGORY = "state";
    private static final int CONFLICT = 409;

    private final Object lock;
    private final WorkerPresences presences;
    private final Watchers watchers;
    private final SubscribeRequests subscriptions;
    private final Responder responder;
    private final HeaderFactory headers;
    /** -1: serving; else every request is answered 503, with this Retry-After when positive. */
    private volatile int unavailableSeconds = -1;

    SipRequestHandler(
            Object lock,
            WorkerPresences presences,
            Watchers watchers,
            SubscribeRequests subscriptions,
            Responder responder,
            HeaderFactory headers) {
        this.lock = lock;
        this.presences = presences;
        this.watchers = watchers;
        this.subscriptions = subscriptions;
        this.responder = responder;
        this.headers = headers;
    }

    /** From now on every request is answered 503, with Retry-After when {@code retryAfterSeconds} is positive. */
    void unavailable(int retryAfterSeconds) {
        unavailableSeconds = retryAfterSeconds;
    }

    /** Requests are served again. */
    void available() {
        unavailableSeconds = -1;
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        try {
            int unavailableFor = unavailableSeconds;
            if (unavailableFor >= 0
                    && !Request.ACK.equals(request.getMethod())
                    && !Notifications.BENOTIFY.equals(request.getMethod())) {
                responder.respond(
                        request,
                        Response.SERVICE_UNAVAILABLE,
                        unavailableFor == 0
                                ? null
                                : response -> response.addHeader(headers.createRetryAfterHeader(unavailableFor)));
                return;
            }
            switch (request.getMethod()) {
                case Request.REGISTER -> register(request);
                case Request.SUBSCRIBE -> {
                    synchronized (lock) {
                        subscriptions.subscribe(request);
                    }
                }
                case SERVICE -> {
                    synchronized (lock) {
                        service(request);
                    }
                }
                case Request.OPTIONS ->
                    responder.respond(request, Response.OK, response -> response.addHeader(allow()));
                // the front end subscribes to nothing, so a NOTIFY is outside any subscription (RFC 6665 4.1.3)
                case Request.NOTIFY ->
                    responder.respond(
                            request,
                            Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
                            response -> response.setReasonPhrase("Subscription does not exist"));
                case Request.ACK, Notifications.BENOTIFY -> {
                    // an ACK confirms nothing that was answered here; a Notifications.BENOTIFY is never answered
                    // (MS-SIP)
                }
                default ->
                    responder.respond(request, Response.METHOD_NOT_ALLOWED, response -> response.addHeader(allow()));
            }
        } catch (SipException e) {
            // the peer's connection went away before the answer: nothing for the front end to do
            LOG.debug(
                    "{} from {}: the answer could not be sent: {}",
                    request.getMethod(),
                    Responder.sender(request),
                    e.getMessage());
        } catch (ParseException | InvalidArgumentException | RuntimeException e) {
            LOG.warn(
                    "{} from {} not handled: {}",
                    request.getMethod(),
                    Responder.sender(request),
                    LogText.printable(e.toString()));
        }
    }

    /** The methods the front end takes (RFC 3261 20.5), for OPTIONS and 405 answers. */
    private Header allow() throws ParseException {
        return headers.createAllowHeader("REGISTER, SUBSCRIBE, SERVICE, OPTIONS, NOTIFY");
    }

    private void register(Request request) throws SipException, ParseException, InvalidArgumentException {
        responder.respond(request, Response.OK, response -> {
            ExpiresHeader expires = request.getExpires();
            response.addHeader(headers.createExpiresHeader(
                    expires == null ? MAX_EXPIRES : Math.min(expires.getExpires(), MAX_EXPIRES)));
            ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
            if (contact != null) {
                response.addHeader(contact);
            }
        });
    }

    private void service(Request request) throws SipException, ParseException, InvalidArgumentException {
        if (responder.refusedUnlessOfType(request, MsPresPublishDocument.CONTENT_TYPE)) {
            return;
        }
        List<StatePublication> published;
        try {
            published =
                    MsPresPublishDocument.read(request.getRawContent() == null ? new byte[0] : request.getRawContent());
        } catch (PresenceDocumentException e) {
            responder.refuse(request, Response.BAD_REQUEST, "Unreadable publication: " + e.reason());
            return;
        }
        // the state category is the one presence shows; Lync takes the others (note, contactCard) without effect here
        List<StatePublication> states = published.stream()
                .filter(p -> STATE_CATEGORY.equals(p.categoryName()))
                .toList();
        for (StatePublication publication : states) {
            long current = presences.currentVersion(publication);
            if (publication.version() != current) {
                LOG.info(
                        "SERVICE for {} refused (409): version {} of container {} instance {} is stale, the current one is {}",
                        LogText.printable(publication.sipUri()),
                        publication.version(),
                        publication.container(),
                        Integer.toUnsignedLong(publication.instance()),
                        current);
                responder.respond(
                        request,
                        CONFLICT,
                        response -> new MessageBody(MsPresFault.CONTENT_TYPE, MsPresFault.wrongVersion(current))
                                .setOn(response, headers));
                return;
            }
        }
        List<String> changed = presences.publish(states);
        responder.respond(request, Response.OK, null);
        changed.stream().distinct().forEach(watchers::notifyWatchers);
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        int status = response.getStatusCode();
        // a watcher that answers a NOTIFY with an error (481: it knows no such subscription) no longer wants it
        if (status >= 400 && status != Response.REQUEST_TIMEOUT) {
            forgetSubscription(
                    ((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId(),
                    "the watcher answered " + status + " to a notification");
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        // a NOTIFY's transaction: the watcher never answered it, even sent again (RFC 6665 section 4.2.2)
        if (event.getClientTransaction() != null) {
            Request notify = event.getClientTransaction().getRequest();
            forgetSubscription(
                    ((CallIdHeader) notify.getHeader(CallIdHeader.NAME)).getCallId(),
                    "the watcher did not answer a notification");
        }
    }

    private void forgetSubscription(String callId, String why) {
        synchronized (lock) {
            if (watchers.forget(callId)) {
                LOG.info("subscription {} ended: {}", LogText.printable(callId), why);
            }
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("cannot reach {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // a NOTIFY's transaction is over: nothing is kept for it
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // stateless: no dialogs
    }
}
