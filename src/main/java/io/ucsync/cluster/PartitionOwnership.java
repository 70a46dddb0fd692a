package io.ucsync.cluster;

import io.ucsync.state.Fences;
import io.ucsync.state.Partitioning;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.CamelContext;

/**
 * Which partitions of the workers this node owns: all of them for a node alone ({@link SingleNode}), those the cluster
 * service gives it in a cluster ({@link ClusterNode}). It fences each partition it takes over before the node acts for
 * it, and tells {@link PartitionWork} when to start and stop.
 */
public interface PartitionOwnership extends Fences, AutoCloseable {

    Partitioning partitioning();

    /** This node's id (ucsync.cluster.node-id). */
    String nodeId();

    /** Starts taking partitions over, with what the context provides (threads, services); the work is told of each. */
    void start(CamelContext camel, PartitionWork work) throws Exception;

    /** The partitions this node acts for now. */
    Set<Integer> acting();

    /** The node that owns the partition, as far as this node knows; empty while none does. */
    Optional<String> ownerOf(int partition);

    /** The ids of the nodes in the cluster now, this one included. */
    List<String> members();

    /** Where the partitions' owners are elected (ZooKeeper, lock files), for the operator; empty for a node alone. */
    Optional<String> service();

    /** Whether this node can take part now: connected to ZooKeeper (lock files, a node alone: always). */
    boolean isConnected();

    /** Stops acting for every partition and leaves the cluster. */
    @Override
    void close();
}
