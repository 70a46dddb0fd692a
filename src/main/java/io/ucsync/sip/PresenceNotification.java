package io.ucsync.sip;

import io.ucsync.presence.Presence;

/**
 * One worker's presence as one notification delivered it; the consumer turns it into one exchange.
 *
 * @param presence          the presence, its URI being the worker's URI as it was given to watch
 * @param subscriptionId    the subscription that delivered it
 * @param method            NOTIFY, BENOTIFY, 200 (piggybacked in the SUBSCRIBE answer) or MISSED (replayed to a
 *                          consumer that attached after it arrived)
 * @param contentType       the Content-Type of the document
 * @param subscriptionState active, pending or terminated
 */
public record PresenceNotification(
        Presence presence, String subscriptionId, String method, String contentType, String subscriptionState) {

    /** The method of a presence replayed to a consumer that was not attached when it arrived. */
    public static final String MISSED = "MISSED";

    public PresenceNotification asMissed() {
        return new PresenceNotification(presence, subscriptionId, MISSED, contentType, subscriptionState);
    }
}
