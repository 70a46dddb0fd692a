package io.ucsync.sip;

/**
 * Receives the presences a front end's user agent reads. Called on the worker's notification thread, one call at
 * a time per worker and in arrival order; it must not throw.
 */
@FunctionalInterface
public interface PresenceListener {

    void onPresence(PresenceNotification notification);
}
