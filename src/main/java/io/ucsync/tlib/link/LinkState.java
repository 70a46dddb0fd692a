package io.ucsync.tlib.link;

/** Where a {@link TServerLink} stands; it takes requests in {@link #RESYNCING} and {@link #UP}. */
public enum LinkState {
    /** Looking for the primary: connecting, or waiting out a back-off. */
    CONNECTING,
    /** Connected to the primary: registering the DNs and querying their agents (src/main/docs/tlw1.md section 7);
     * each answer reaches the listeners as it arrives, and requests go out. */
    RESYNCING,
    /** Registered and resynchronised. */
    UP,
    /** Closed by its owner. */
    CLOSED
}
