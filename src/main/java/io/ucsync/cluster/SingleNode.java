package io.ucsync.cluster;

import io.ucsync.state.Fence;
import io.ucsync.state.PartitionEpochs;
import io.ucsync.state.Partitioning;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.CamelContext;

/**
 * A node alone (ucsync.cluster.enabled=false): it owns the one partition there is from its start. It still fences it,
 * which costs one row and keeps the store's writes checked the same way everywhere.
 */
public final class SingleNode implements PartitionOwnership {

    private final PartitionEpochs epochs;
    private final String nodeId;
    private volatile Fence fence;

    public SingleNode(PartitionEpochs epochs, String nodeId) {
        this.epochs = epochs;
        this.nodeId = nodeId;
    }

    @Override
    public Partitioning partitioning() {
        return Partitioning.SINGLE;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void start(CamelContext camel, PartitionWork work) throws Exception {
        Fence taken = epochs.raise(0, nodeId);
        work.load(0);
        fence = taken;
        work.start(0);
    }

    @Override
    public Optional<Fence> fenceFor(String sipUri) {
        return Optional.ofNullable(fence);
    }

    @Override
    public boolean holds(String sipUri) {
        return fence != null;
    }

    @Override
    public Set<Integer> acting() {
        return fence == null ? Set.of() : Set.of(0);
    }

    @Override
    public Optional<String> ownerOf(int partition) {
        return fence == null ? Optional.empty() : Optional.of(nodeId);
    }

    @Override
    public List<String> members() {
        return List.of(nodeId);
    }

    @Override
    public Optional<String> service() {
        return Optional.empty();
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public void close() {
        fence = null;
    }
}
