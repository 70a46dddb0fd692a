package io.ucsync.lab.frontend;

import io.ucsync.presence.LogText;
import io.ucsync.presence.MsPresCategoriesDocument;
import io.ucsync.presence.MsPresCategoriesDocument.StateInstance;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What watchers see: the MS-PRES documents a subscription's notifications carry (a categories document, or for a
 * batch {@code multipart/related} with an rlmi root) and the NOTIFY or BENOTIFY requests that carry them, in the
 * subscription's dialog: a NOTIFY in a client transaction (sent again over UDP until answered), a BENOTIFY alone. Apart from the handling of requests because a control command, a SERVICE,
 * a SUBSCRIBE and the expiry of a subscription all end in a notification.
 * <p>
 * Called under the front end's lock, which orders what goes out.
 */
final class Notifications {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    static final String EVENT_PRESENCE = "presence";
    static final String BENOTIFY = "BENOTIFY";

    private final WorkerPresences presences;
    private final SipProvider provider;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final String transport;
    private final int port;

    Notifications(
            WorkerPresences presences,
            SipProvider provider,
            AddressFactory addresses,
            HeaderFactory headers,
            MessageFactory messages,
            String transport,
            int port) {
        this.presences = presences;
        this.provider = provider;
        this.addresses = addresses;
        this.headers = headers;
        this.messages = messages;
        this.transport = transport;
        this.port = port;
    }

    /** Everything a subscription watches: its first notification. */
    MessageBody fullState(Subscription subscription) {
        if (subscription.batch) {
            return batch(subscription, subscription.workers, true);
        }
        return new MessageBody(
                MsPresCategoriesDocument.CONTENT_TYPE, document(subscription.uris.get(subscription.workers.get(0))));
    }

    /** What a subscription is told when one worker it watches (by key) changes. */
    MessageBody change(Subscription subscription, String worker) {
        return subscription.batch
                ? batch(subscription, List.of(worker), false)
                : new MessageBody(MsPresCategoriesDocument.CONTENT_TYPE, document(subscription.uris.get(worker)));
    }

    private MessageBody batch(Subscription subscription, List<String> workers, boolean fullState) {
        Map<String, List<StateInstance>> states = new LinkedHashMap<>();
        for (String worker : workers) {
            states.put(subscription.uris.get(worker), List.of(presences.shown(worker)));
        }
        MsPresCategoriesDocument.Multipart multipart = MsPresCategoriesDocument.writeBatch(
                subscription.watcher.getURI().toString(), subscription.rlmiVersion++, fullState, states);
        return new MessageBody(multipart.contentType(), multipart.body());
    }

    /** The categories document of what a worker shows, naming the worker as the subscriber wrote the URI. */
    private String document(String sipUri) {
        return MsPresCategoriesDocument.write(sipUri, List.of(presences.shown(WorkerPresences.key(sipUri))));
    }

    /**
     * Sends a NOTIFY, or a change as BENOTIFY to a subscriber that supports them; no content for a terminating one,
     * which always goes as a NOTIFY: the subscriber must learn that it ended, and a BENOTIFY is never answered.
     */
    void send(Subscription subscription, String subscriptionState, MessageBody content) {
        boolean terminating = subscriptionState.startsWith("terminated");
        String method = subscription.benotify && !terminating ? BENOTIFY : Request.NOTIFY;
        try {
            subscription.cseq++;
            ViaHeader via = headers.createViaHeader(
                    "127.0.0.1",
                    port,
                    transport,
                    "z9hG4bK" + Long.toHexString(UUID.randomUUID().getLeastSignificantBits()));
            Request notify = messages.createRequest(
                    subscription.remoteTarget,
                    method,
                    headers.createCallIdHeader(subscription.callId),
                    headers.createCSeqHeader(subscription.cseq, method),
                    headers.createFromHeader(subscription.target, subscription.targetTag),
                    headers.createToHeader(subscription.watcher, subscription.watcherTag),
                    new ArrayList<>(List.of(via)),
                    headers.createMaxForwardsHeader(70));
            notify.addHeader(headers.createEventHeader(EVENT_PRESENCE));
            notify.addHeader(headers.createHeader("Subscription-State", subscriptionState));
            notify.addHeader(headers.createContactHeader(
                    addresses.createAddress(addresses.createSipURI(null, "127.0.0.1:" + port))));
            if (subscription.batch) {
                notify.addHeader(headers.createHeader("Require", "eventlist"));
            }
            if (subscription.flow != null) {
                notify.addHeader(headers.createRouteHeader(addresses.createAddress(subscription.flow)));
            }
            if (content != null) {
                content.setOn(notify, headers);
            }
            if (method.equals(BENOTIFY)) {
                provider.sendRequest(notify); // best effort: never answered, never sent again
            } else {
                // in a client transaction, as a presence server sends it (RFC 6665 section 4.2.2): over UDP a datagram
                // the watcher's kernel dropped is sent again, and a watcher that never answers ends the subscription
                provider.getNewClientTransaction(notify).sendRequest();
            }
        } catch (SipException | ParseException | InvalidArgumentException e) {
            LOG.warn(
                    "{} to {} not sent: {}",
                    method,
                    LogText.printable(subscription.watcher.toString()),
                    e.getMessage());
        }
    }
}
