package io.ucsync.sip.internal;

import java.util.List;
import javax.sip.address.Address;
import javax.sip.address.URI;

/**
 * The client side of one SIP dialog that ucsync keeps itself (JAIN-SIP's automatic dialog support is off, so
 * the stack keeps none): identifiers, remote target, route set and the local CSeq. A NOTIFY belongs to this
 * dialog when its Call-ID and To tag equal {@link #callId()} and {@link #localTag()}.
 * <p>
 * The routing fields are written on the agent thread; the notification thread of the dialog's worker reads
 * and writes only the last remote CSeqs, which detect retransmitted and reordered notifications.
 */
public final class DialogState {

    private final String callId;
    private final String localTag;
    private final Address localAddress;
    private final Address remoteAddress;
    private volatile String remoteTag;
    private volatile URI remoteTarget;
    private volatile List<Address> routeSet = List.of();
    private volatile long localCSeq;

    // Notification thread only: the remote side's CSeq space (NOTIFY and BENOTIFY share it, as all requests of a
    // dialog do) and ours, in which answers to our SUBSCRIBEs carry piggybacked notifications.
    private long lastRemoteCSeq = -1;
    private long lastAnswerCSeq = -1;

    public DialogState(String callId, String localTag, Address localAddress, Address remoteAddress, URI initialTarget) {
        this.callId = callId;
        this.localTag = localTag;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.remoteTarget = initialTarget;
        this.localCSeq = 1;
    }

    /** The key of a dialog as seen in a NOTIFY: its Call-ID and ucsync's tag. */
    public static String key(String callId, String localTag) {
        return callId + ";" + localTag;
    }

    public String key() {
        return key(callId, localTag);
    }

    public String callId() {
        return callId;
    }

    public String localTag() {
        return localTag;
    }

    public Address localAddress() {
        return localAddress;
    }

    public Address remoteAddress() {
        return remoteAddress;
    }

    public String remoteTag() {
        return remoteTag;
    }

    public URI remoteTarget() {
        return remoteTarget;
    }

    public List<Address> routeSet() {
        return routeSet;
    }

    public long localCSeq() {
        return localCSeq;
    }

    /** Whether the remote side has answered or notified, so that in-dialog requests can be sent. */
    public boolean established() {
        return remoteTag != null;
    }

    /** Records the remote side as the first 2xx or NOTIFY showed it; later messages do not change the route set. */
    public void establish(String tag, URI target, List<Address> routes) {
        if (remoteTag == null) {
            this.remoteTag = tag;
            this.routeSet = List.copyOf(routes);
        }
        if (target != null) {
            this.remoteTarget = target;
        }
    }

    /** The CSeq for the next request in this dialog. */
    public long nextLocalCSeq() {
        return ++localCSeq;
    }

    /** Catches up with a CSeq the transaction layer used (a request re-sent with credentials takes the next number). */
    public void usedLocalCSeq(long cseq) {
        if (cseq > localCSeq) {
            localCSeq = cseq;
        }
    }

    /**
     * Notification thread: whether a notification is newer than every one seen so far in this dialog (and
     * records it). A retransmission repeats a CSeq; one overtaken by a later one has a smaller CSeq and would
     * bring back an older state. {@code piggybacked} notifications come in answers to ucsync's own SUBSCRIBEs and
     * are counted in ucsync's CSeq space. The answer to the first SUBSCRIBE is older than every NOTIFY of the
     * dialog (the server notifies only after answering), so when a NOTIFY overtook it, its document is refused.
     */
    public boolean acceptCSeq(boolean piggybacked, long cseq) {
        if (piggybacked) {
            if (cseq <= lastAnswerCSeq || (lastAnswerCSeq < 0 && lastRemoteCSeq >= 0)) {
                lastAnswerCSeq = Math.max(lastAnswerCSeq, cseq);
                return false;
            }
            lastAnswerCSeq = cseq;
        } else {
            if (cseq <= lastRemoteCSeq) {
                return false;
            }
            lastRemoteCSeq = cseq;
        }
        return true;
    }
}
