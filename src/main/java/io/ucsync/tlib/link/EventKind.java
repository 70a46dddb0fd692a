package io.ucsync.tlib.link;

/** How a {@link TServerLink} came by an event it hands to its listeners. */
public enum EventKind {

    /** Sent by the T-Server as it happened (an agent, DND, call or link event that answers no request of this link). */
    LIVE,

    /** The EventAddressInfo of a DN, asked for in the resync after the link (re)connected to the server it was on before. */
    RESYNC,

    /**
     * The EventAddressInfo of a DN, asked for in the resync after the link moved to another server than the one it was
     * last up on (a switchover to the backup): that server may have missed what happened on the old one.
     */
    RESYNC_ON_NEW_SERVER;

    public boolean fromResync() {
        return this != LIVE;
    }
}
