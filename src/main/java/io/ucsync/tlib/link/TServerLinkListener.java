package io.ucsync.tlib.link;

import io.ucsync.tlib.protocol.TlibMessage;

/**
 * Receives what a {@link TServerLink} learns without asking. Called on the link's I/O thread, in the order the
 * server sent things: hand work to another thread rather than block.
 */
public interface TServerLinkListener {

    /**
     * An event that answers no request of this link: an agent, DND or call event, EventLinkConnected /
     * EventLinkDisconnected, EventPrimaryChanged; and, during a resync, the EventAddressInfo of every registered DN
     * (each as it arrives, in the T-Server's order with the live events around it, before the link reports
     * {@link LinkState#UP}).
     */
    void onEvent(TlibMessage event, EventKind kind);

    /** The link changed state; {@code detail} says why, for operators. */
    default void onStateChanged(LinkState state, String detail) {}
}
