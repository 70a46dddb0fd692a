package io.ucsync.lab.frontend;

import gov.nist.javax.sip.message.SIPMessage;
import io.ucsync.presence.LogText;
import io.ucsync.presence.MsPresBatchSubscribeDocument;
import io.ucsync.presence.PresenceDocumentException;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUBSCRIBE as the front end answers it (RFC 6665, MS-PRES): a subscription to one worker (To = the worker) or a
 * batch (To = the subscriber itself, the workers in the body's adhocList) is opened with its first document, either
 * piggybacked on the 200 or sent after it; a refresh in the dialog extends it, {@code Expires: 0} ends it. Apart from
 * the other requests because it is most of the protocol: dialogs, batches, size limits and the connection that
 * notifications reuse.
 * <p>
 * Called under the front end's lock.
 */
final class SubscribeRequests {

    private static final Logger LOG = LoggerFactory.getLogger(SubscribeRequests.class);
    /** The largest body sent over UDP: a datagram holds 65,507 bytes, and the headers take up to 1,500 of them. */
    private static final int UDP_BODY_LIMIT = 65_507 - 1_500;

    private final FrontEndEmulatorConfig config;
    private final Watchers watchers;
    private final Notifications notifications;
    private final Responder responder;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final int port;

    SubscribeRequests(
            FrontEndEmulatorConfig config,
            Watchers watchers,
            Notifications notifications,
            Responder responder,
            AddressFactory addresses,
            HeaderFactory headers,
            int port) {
        this.config = config;
        this.watchers = watchers;
        this.notifications = notifications;
        this.responder = responder;
        this.addresses = addresses;
        this.headers = headers;
        this.port = port;
    }

    /** Answers a SUBSCRIBE: opens, refreshes or ends a subscription. Called under the front end's lock. */
    void subscribe(Request request) throws SipException, ParseException, InvalidArgumentException {
        Header eventHeader = request.getHeader("Event");
        if (eventHeader == null
                || !RequestHeaders.value(eventHeader)
                        .toLowerCase(Locale.ROOT)
                        .startsWith(Notifications.EVENT_PRESENCE)) {
            responder.respond(
                    request,
                    Response.BAD_EVENT,
                    response -> response.addHeader(headers.createHeader("Allow-Events", Notifications.EVENT_PRESENCE)));
            return;
        }
        List<String> listed = null;
        if (request.getRawContent() != null && request.getRawContent().length > 0) {
            if (responder.refusedUnlessOfType(request, MsPresBatchSubscribeDocument.CONTENT_TYPE)) {
                return;
            }
            try {
                listed = MsPresBatchSubscribeDocument.resources(request.getRawContent());
            } catch (PresenceDocumentException e) {
                responder.refuse(request, Response.BAD_REQUEST, "Unreadable adhocList: " + e.reason());
                return;
            }
            if (listed.size() > config.maxBatch()) {
                responder.refuse(
                        request,
                        Response.REQUEST_ENTITY_TOO_LARGE,
                        "A batch names at most " + config.maxBatch() + " workers, not " + listed.size());
                return;
            }
        }
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        // MS-PRES addresses a batched subscription to the subscriber's own URI, the workers being in the adhocList
        boolean batch = WorkerPresences.key(to.getAddress().getURI().toString())
                .equals(WorkerPresences.key(from.getAddress().getURI().toString()));
        if (batch && listed == null) {
            responder.refuse(
                    request,
                    Response.BAD_REQUEST,
                    "A subscription to oneself is a batch and needs an adhocList ("
                            + MsPresBatchSubscribeDocument.CONTENT_TYPE + ")");
            return;
        }
        ExpiresHeader expiresHeader = request.getExpires();
        int expires = expiresHeader == null
                ? SipRequestHandler.MAX_EXPIRES
                : Math.min(expiresHeader.getExpires(), SipRequestHandler.MAX_EXPIRES);
        Subscription subscription = watchers.get(callId);
        if (to.getTag() != null && (subscription == null || !subscription.targetTag.equals(to.getTag()))) {
            // not a fault of the subscriber: the subscription ended here (expired, dropped) before its refresh came
            LOG.info(
                    "SUBSCRIBE from {} in an unknown dialog (Call-ID {}) answered 481",
                    Responder.sender(request),
                    LogText.printable(callId));
            responder.respond(
                    request,
                    Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST,
                    response -> response.setReasonPhrase("Subscription does not exist"));
            return;
        }
        boolean initial = subscription == null;
        if (initial) {
            ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
            if (contact == null) {
                responder.refuse(request, Response.BAD_REQUEST, "Contact missing");
                return;
            }
            subscription = new Subscription(
                    callId,
                    from.getAddress(),
                    from.getTag(),
                    to.getAddress(),
                    contact.getAddress().getURI(),
                    RequestHeaders.mentions(request, "ms-benotify"),
                    batch);
        }
        subscription.flow = flowOf(request);
        if (initial || subscription.batch && listed != null) {
            watchers.watch(
                    subscription,
                    batch ? listed : List.of(to.getAddress().getURI().toString()));
        }
        // a retransmitted initial SUBSCRIBE (no To tag) is answered like the first one
        boolean first = to.getTag() == null && expires > 0;
        MessageBody firstNotification = first ? notifications.fullState(subscription) : null;
        if (firstNotification != null
                && "udp".equals(config.transport())
                && firstNotification.body().length() > UDP_BODY_LIMIT) {
            if (initial) {
                watchers.unindex(subscription);
            }
            responder.refuse(
                    request,
                    Response.REQUEST_ENTITY_TOO_LARGE,
                    "The first notification of " + subscription.workers.size()
                            + " workers would not fit in a UDP datagram; a smaller batch, or TCP");
            return;
        }
        subscription.expires = Instant.now().plusSeconds(expires);
        watchers.keep(subscription);
        if (expires == 0) {
            watchers.forget(callId);
        }
        Subscription answered = subscription;
        boolean piggyback = first && RequestHeaders.mentions(request, "ms-piggyback-first-notify");
        responder.respond(request, Response.OK, response -> {
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(answered.targetTag);
            response.addHeader(headers.createExpiresHeader(expires));
            response.addHeader(headers.createContactHeader(
                    addresses.createAddress(addresses.createSipURI(null, "127.0.0.1:" + port))));
            if (answered.benotify) {
                response.addHeader(headers.createHeader("Supported", "ms-benotify"));
            }
            if (answered.batch) {
                response.addHeader(headers.createHeader("Require", "eventlist"));
            }
            if (piggyback) {
                firstNotification.setOn(response, headers);
            }
        });
        if (first && !piggyback) {
            notifications.send(subscription, "active;expires=" + expires, firstNotification);
        }
    }

    /** The connection a request came on (JAIN-SIP keeps it under the peer's address and port), or null on UDP. */
    private SipURI flowOf(Request request) throws ParseException {
        if ("udp".equals(config.transport())) {
            return null;
        }
        SIPMessage message = (SIPMessage) request;
        SipURI flow = addresses.createSipURI(
                null, message.getRemoteAddress().getHostAddress() + ":" + message.getRemotePort());
        flow.setTransportParam(config.transport());
        flow.setLrParam();
        return flow;
    }
}
