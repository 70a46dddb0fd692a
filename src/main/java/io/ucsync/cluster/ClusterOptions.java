package io.ucsync.cluster;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The ucsync.cluster.* settings (src/main/docs/operations.md "Running a cluster").
 *
 * @param service        {@code zookeeper}, or {@code file} for nodes on one host (a fail-over pair: lock files cannot
 *                       list the nodes, so partitions do not spread)
 * @param zookeeper      host:port[,host:port][/chroot] of the ZooKeeper ensemble
 * @param fileRoot       the directory of the lock files
 * @param nodeId         this node's id, unique in the cluster and the same after a restart (its partitions come back)
 * @param partitions     P, the same on every node
 * @param sessionTimeout how long ZooKeeper waits for a silent node before its partitions move
 */
public record ClusterOptions(
        Service service, String zookeeper, Path fileRoot, String nodeId, int partitions, Duration sessionTimeout) {

    /**
     * How long the state store lets a transaction of this node wait on it: half the session timeout, so that a node
     * stopped in the middle of a write no longer holds the rows the next owner of its partitions must change
     * ({@link io.ucsync.state.StateDatabase}).
     */
    public Duration idleTransactionLimit() {
        return sessionTimeout.dividedBy(2);
    }

    /**
     * How long after saving the decision of a T-Server request this node may still send it: a third of the session
     * timeout. The save confirmed that the node held the worker's partition, and it can only lose it once its ZooKeeper
     * session ended, at the earliest a third of the timeout after the node last heard from ZooKeeper (the client counts
     * itself connected for two thirds of it, and the node acts only while connected); a request held up longer (the
     * node paused, a long GC) is not sent but decided again, under the partition's fence.
     */
    public Duration requestSendLimit() {
        return sessionTimeout.dividedBy(3);
    }

    /** The cluster service that elects each partition's owner. */
    public enum Service {
        ZOOKEEPER,
        FILE
    }
}
