package io.ucsync.state;

import java.util.Optional;

/** Which workers this node acts for, and under which fence it writes their facts. */
public interface Fences {

    /** The fence to write this worker's facts under; empty while this node does not act for the worker's partition. */
    Optional<Fence> fenceFor(String sipUri);

    /**
     * Whether this node holds the worker's partition (acting for it, or taking it over): its own copy of the worker's
     * facts is then at least as new as the store's.
     */
    boolean holds(String sipUri);
}
