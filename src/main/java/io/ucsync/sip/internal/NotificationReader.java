package io.ucsync.sip.internal;

import gov.nist.javax.sip.header.SIPHeader;
import io.ucsync.presence.LogText;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceDocumentException;
import io.ucsync.presence.PresenceDocumentReader;
import io.ucsync.sip.internal.Subscription.DialogRef;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.message.Message;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the presence documents of notifications on the subscription's lane and delivers each presence as the presence
 * of the watched worker it is for: a single subscription's document is its worker's, a batch's (RFC 4662 list or
 * MS-PRES categories) names each worker. Its own class because it runs on the lanes, after the SIP thread has
 * answered, and is where a peer's document is judged: repeated or overtaken CSeqs, oversized and unreadable bodies are
 * refused here, and the subscription is kept.
 */
final class NotificationReader {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationReader.class);

    private final Requests requests;
    private final NotificationLanes lanes;
    private final PresenceDocumentReader reader;
    private final Subscriptions.Delivery delivery;
    private final WatchedWorkers watched;
    private final int maxBodySize;

    NotificationReader(
            Requests requests,
            NotificationLanes lanes,
            PresenceDocumentReader reader,
            Subscriptions.Delivery delivery,
            WatchedWorkers watched,
            int maxBodySize) {
        this.requests = requests;
        this.lanes = lanes;
        this.reader = reader;
        this.delivery = delivery;
        this.watched = watched;
        this.maxBodySize = maxBodySize;
    }

    /** Queues a notification's document on the lane of its subscription, to be read after the answer has gone. */
    void queue(DialogRef ref, String method, long cseq, String contentType, byte[] body, String state) {
        lanes.submit(ref.subscription.id, () -> read(ref, method, cseq, contentType, body, state));
    }

    /** Queues the first notification that a 2xx to a SUBSCRIBE carries (MS-PRES piggybacked first notify). */
    void queuePiggybacked(DialogRef ref, Response response) {
        byte[] body = response.getRawContent();
        if (response.getStatusCode() / 100 == 2 && body != null && body.length > 0) {
            queue(
                    ref,
                    String.valueOf(response.getStatusCode()),
                    Requests.cseqOf(response),
                    contentTypeOf(response),
                    body,
                    SubscriptionStateHeader.ACTIVE.toLowerCase(Locale.ROOT));
        }
    }

    static String contentTypeOf(Message message) {
        Header header = message.getHeader(ContentTypeHeader.NAME);
        return header instanceof SIPHeader sip ? sip.getHeaderValue().trim() : null;
    }

    /** Lane: reads one notification's document and delivers its presences. */
    private void read(DialogRef ref, String method, long cseq, String contentType, byte[] body, String state) {
        Subscription s = ref.subscription;
        boolean piggybacked = !method.endsWith("NOTIFY");
        if (!ref.dialog.acceptCSeq(piggybacked, cseq)) {
            LOG.debug("{} CSeq {} for {} repeats or precedes an earlier one; ignored", method, cseq, s.describe());
            return;
        }
        if (body == null || body.length == 0) {
            return;
        }
        if (body.length > maxBodySize) {
            LOG.warn(
                    "{} for {} refused: body of {} bytes exceeds maxBodySize {}; subscription kept, last presence unchanged",
                    method,
                    s.describe(),
                    body.length,
                    maxBodySize);
            return;
        }
        String subscribed = s.batch ? requests.self().getURI().toString() : watched.uri(s.members.get(0));
        if (subscribed == null) {
            return;
        }
        List<Presence> presences;
        try {
            presences = reader.read(contentType, body, subscribed, Instant.now());
        } catch (PresenceDocumentException e) {
            LOG.warn(
                    "{} for {} refused: {}; subscription kept, last presence unchanged",
                    method,
                    s.describe(),
                    LogText.printable(e.reason()));
            return;
        } catch (RuntimeException e) {
            LOG.warn(
                    "{} for {} refused: unreadable presence document ({}); subscription kept, last presence unchanged",
                    method,
                    s.describe(),
                    LogText.printable(e.toString()));
            return;
        }
        for (Presence presence : presences) {
            String worker = s.batch ? watched.uri(Subscriptions.key(presence.sipUri())) : subscribed;
            if (worker == null || !watched.carries(s, Subscriptions.key(worker))) {
                continue;
            }
            Presence delivered = worker.equals(presence.sipUri())
                    ? presence
                    : new Presence(
                            worker,
                            presence.availability(),
                            presence.activity(),
                            presence.source(),
                            presence.publishTime());
            delivery.deliver(s.id, delivered, method, contentType, state);
        }
    }
}
