package io.ucsync.state;

/**
 * A change of a worker's facts refused because this node does not own the worker's partition (any more): nothing of
 * it was saved, and nothing may act on it. The owner, another node, acts for the worker.
 */
public final class NotOwnerException extends RuntimeException {

    public NotOwnerException(String message) {
        super(message, null, false, false);
    }

    /** The store found the worker's partition past the fence's epoch: {@code what} did not happen. */
    static NotOwnerException takenOver(String sipUri, String what, Fence fence) {
        return new NotOwnerException(sipUri + ": " + what + ": partition " + fence.partition()
                + " was taken over by another node since epoch " + fence.epoch());
    }
}
