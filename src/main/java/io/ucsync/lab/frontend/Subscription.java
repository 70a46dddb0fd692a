package io.ucsync.lab.frontend;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;

/**
 * One subscription dialog as the front end holds it (RFC 6665): who watches, whom, until when, and the dialog's
 * state that its notifications carry. Guarded by the front end's lock, like everything it belongs to.
 */
final class Subscription {
    final String callId;
    final Address watcher;
    final String watcherTag;
    /** The To of the SUBSCRIBE: the watched worker, or the watcher itself for a batch. */
    final Address target;

    final String targetTag = Long.toHexString(UUID.randomUUID().getMostSignificantBits());
    final URI remoteTarget;
    /**
     * On TCP and TLS, the connection the subscriber's last SUBSCRIBE came on, as a loose route: notifications
     * reuse it, as Lync does, so that a subscriber that cannot accept connections (a TLS client without a
     * certificate) still gets them. Null on UDP.
     */
    SipURI flow;

    final boolean benotify;
    final boolean batch;
    /** Keys of the watched workers; a refreshed batch may name others. */
    List<String> workers;
    /** Each worker's URI as the subscriber wrote it, which its notifications must name. */
    final Map<String, String> uris = new HashMap<>();

    long cseq;
    long rlmiVersion;
    Instant expires;

    Subscription(
            String callId,
            Address watcher,
            String watcherTag,
            Address target,
            URI remoteTarget,
            boolean benotify,
            boolean batch) {
        this.callId = callId;
        this.watcher = watcher;
        this.watcherTag = watcherTag;
        this.target = target;
        this.remoteTarget = remoteTarget;
        this.benotify = benotify;
        this.batch = batch;
    }
}
