package io.ucsync.sip.internal;

import gov.nist.javax.sip.message.SIPMessage;
import io.ucsync.presence.LogText;
import io.ucsync.sip.internal.Subscription.DialogRef;
import java.net.InetAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.concurrent.Executor;
import javax.sip.RequestEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes NOTIFYs and BENOTIFYs from the SIP stack's threads: finds the subscription's dialog, queues the document on the
 * subscription's lane, answers a NOTIFY at once (200, or 481 for an unknown dialog; a BENOTIFY gets no answer) and
 * posts what the {@code Subscription-State} header says (terminated, shortened) to the agent thread. Its own class
 * because it is the one part of the subscriptions that runs on SIP threads and must never wait for the agent.
 */
final class NotifyReceiver {

    private static final Logger LOG = LoggerFactory.getLogger(NotifyReceiver.class);
    /** NOTIFYs and BENOTIFYs of no subscription: a peer decides how many come. */
    private static final RateLimitedLog STRAYS = new RateLimitedLog(LOG, 60_000, 256);

    private final Requests requests;
    private final SipProvider provider;
    private final Executor agent;
    private final SubscriptionDialogs dialogs;
    private final NotificationReader reader;
    private final SubscriptionLifecycle lifecycle;

    NotifyReceiver(
            Requests requests,
            SipProvider provider,
            Executor agent,
            SubscriptionDialogs dialogs,
            NotificationReader reader,
            SubscriptionLifecycle lifecycle) {
        this.requests = requests;
        this.provider = provider;
        this.agent = agent;
        this.dialogs = dialogs;
        this.reader = reader;
        this.lifecycle = lifecycle;
    }

    /** A NOTIFY or BENOTIFY from the stack (SIP thread). */
    void onNotify(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        boolean answered = Request.NOTIFY.equals(method);
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        DialogRef ref = dialogs.find(callId, ((ToHeader) request.getHeader(ToHeader.NAME)).getTag());
        if (ref == null) {
            if (answered) {
                respond(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Subscription does not exist");
            }
            // after a move to another server, or sent by anyone: a line a minute per sender is enough
            InetAddress remote = ((SIPMessage) request).getRemoteAddress();
            String source = remote == null ? "an unknown address" : remote.getHostAddress();
            STRAYS.info(
                    method + " " + source,
                    method + " from " + LogText.printable(source) + " for no subscription of ours (Call-ID "
                            + LogText.printable(callId) + ") " + (answered ? "answered 481" : "dropped"));
            return;
        }
        if (ref.closed) {
            if (answered) {
                respond(request, Response.OK, null);
            }
            return;
        }
        Header stateHeader = request.getHeader(SubscriptionStateHeader.NAME);
        SubscriptionStateHeader subscriptionState = stateHeader instanceof SubscriptionStateHeader ssh ? ssh : null;
        String state = subscriptionState == null
                ? SubscriptionStateHeader.ACTIVE.toLowerCase(Locale.ROOT)
                : subscriptionState.getState().toLowerCase(Locale.ROOT);
        DialogState dialog = ref.dialog;
        if (!dialog.established()) {
            establishFromNotify(dialog, request);
        }
        // Queued before the 200 goes out: the server sends its next NOTIFY only after this answer, so even with
        // several SIP threads the lane sees the notifications of a dialog in the order they were sent.
        reader.queue(
                ref,
                method,
                Requests.cseqOf(request),
                NotificationReader.contentTypeOf(request),
                request.getRawContent(),
                state);
        if (answered) {
            respond(request, Response.OK, null);
        }
        if (SubscriptionStateHeader.TERMINATED.equalsIgnoreCase(state)) {
            agent.execute(() -> SubscriptionLifecycle.guarded(() ->
                    lifecycle.onTerminated(ref, subscriptionState.getReasonCode(), subscriptionState.getRetryAfter())));
        } else if (subscriptionState != null
                && subscriptionState.getExpires() > 0
                && ref.subscription.expiresAtMillis - System.currentTimeMillis()
                        > subscriptionState.getExpires() * 1000L + 1000) {
            int expires = subscriptionState.getExpires();
            agent.execute(() -> SubscriptionLifecycle.guarded(() -> lifecycle.onShortened(ref, expires)));
        }
    }

    private static void establishFromNotify(DialogState dialog, Request notify) {
        String tag = ((FromHeader) notify.getHeader(FromHeader.NAME)).getTag();
        ContactHeader contact = (ContactHeader) notify.getHeader(ContactHeader.NAME);
        List<Address> routes = new ArrayList<>();
        ListIterator<?> recordRoutes = notify.getHeaders(RecordRouteHeader.NAME);
        while (recordRoutes.hasNext()) {
            // A NOTIFY that sets up the dialog gives the route set in Record-Route order (RFC 6665 4.1.2.4).
            routes.add(((RecordRouteHeader) recordRoutes.next()).getAddress());
        }
        dialog.establish(tag, contact == null ? null : contact.getAddress().getURI(), routes);
    }

    private void respond(Request request, int status, String reason) {
        try {
            Response response = requests.messages().createResponse(status, request);
            if (reason != null) {
                response.setReasonPhrase(reason);
            }
            // Stateless: no server transaction is kept for a notification.
            provider.sendResponse(response);
        } catch (ParseException | SipException e) {
            LOG.debug("cannot answer {} with {}: {}", request.getMethod(), status, e.getMessage());
        }
    }
}
