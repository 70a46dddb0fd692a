package io.ucsync.tlib.link;

/** Where a {@link TServerLink} stands; only in {@link #UP} does it take requests. */
public enum LinkState {
    /** Looking for the primary: connecting, or waiting out a back-off. */
    CONNECTING,
    /** Connected to the primary: registering the DNs and querying their agents (src/main/docs/tlw1.md section 7). */
    RESYNCING,
    /** Registered and resynchronised: requests go out. */
    UP,
    /** Closed by its owner. */
    CLOSED
}
