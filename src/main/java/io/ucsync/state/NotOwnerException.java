package io.ucsync.state;

/**
 * A change of a worker's facts refused because this node does not own the worker's partition (any more): nothing of
 * it was saved, and nothing may act on it. The owner, another node, acts for the worker.
 */
public final class NotOwnerException extends RuntimeException {

    public NotOwnerException(String message) {
        super(message, null, false, false);
    }
}
