package io.ucsync.cluster;

/** The cluster service (ZooKeeper) cannot be reached at start: the start stops, naming it and the fix. */
public final class ClusterUnreachableException extends Exception {

    public ClusterUnreachableException(String message) {
        super(message);
    }
}
