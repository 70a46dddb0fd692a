package io.ucsync.cluster;

/**
 * What a node does for the partitions it owns. {@link PartitionOwnership} calls it on one thread, one call at a time,
 * in this order for each partition: {@link #load}, {@link #start}, then {@link #stop} once the node no longer owns it.
 */
public interface PartitionWork {

    /** The partition was fenced for this node (no other node can change its workers now): read their state. */
    void load(int partition) throws Exception;

    /** This node acts for the partition from now on: the T-Server and UC sides, its timers, inputs left for it. */
    void start(int partition) throws Exception;

    /** This node no longer acts for the partition (its changes are refused already): ends what {@link #start} began. */
    void stop(int partition);

    /** Whether requests sent for the partition's workers are still unanswered: a hand-over waits for them, briefly. */
    boolean awaitingAnswers(int partition);
}
