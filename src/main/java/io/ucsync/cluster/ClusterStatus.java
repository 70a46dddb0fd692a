package io.ucsync.cluster;

import io.ucsync.http.RequestRefused;
import io.ucsync.state.PartitionEpochs;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster as the operator sees it: this node, whether it is in a cluster and connected to it, every node known
 * with the partitions it acts for and whether it is alive, and (the API, GET /api/cluster) each partition's owner with
 * the epoch it took the partition over with. A node alone is a cluster of one with one partition.
 * <p>
 * The nodes known are those in the cluster now and those the store names as the last to take a partition over: a
 * node that died is listed, not alive, until its partitions are taken over by others.
 */
public final class ClusterStatus {

    /**
     * A node known to the cluster.
     *
     * @param self       whether it is the node that answers
     * @param alive      whether it is in the cluster now; null when that is not known (lock files list no member)
     * @param partitions the partitions it acts for, as far as the node that answers knows
     */
    public record Node(String id, boolean self, Boolean alive, List<Integer> partitions) {}

    private final PartitionOwnership ownership;
    private final PartitionEpochs epochs;

    public ClusterStatus(PartitionOwnership ownership, PartitionEpochs epochs) {
        this.ownership = ownership;
        this.epochs = epochs;
    }

    /** GET /api/cluster: the {@link #summary()} with the members, the partitions acted for and each partition's owner and epoch. */
    public Map<String, Object> status() {
        Map<Integer, PartitionEpochs.Owner> fenced;
        try {
            fenced = epochs.all();
        } catch (SQLException e) {
            throw RequestRefused.storeUnavailable("cluster status not read", e);
        }
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (int partition = 0; partition < ownership.partitioning().count(); partition++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("partition", partition);
            entry.put("owner", ownership.ownerOf(partition).orElse(null));
            PartitionEpochs.Owner last = fenced.get(partition);
            entry.put("epoch", last == null ? null : last.epoch());
            entry.put("since", last == null ? null : last.since().toString());
            partitions.add(entry);
        }
        Map<String, Object> status = summary(fenced);
        status.put("members", ownership.members());
        status.put("acting", ownership.acting());
        status.put("partitions", partitions);
        return status;
    }

    /**
     * The dashboard's cluster section: {node, clustered, service, connected, unowned (the partitions no node is known
     * to own), nodes: [{@link Node}]}. While the store cannot be read, the nodes it
     * would name are left out (its outage is reported where it happens; the dashboard reads this every second).
     */
    public Map<String, Object> summary() {
        Map<Integer, PartitionEpochs.Owner> fenced;
        try {
            fenced = epochs.all();
        } catch (SQLException e) {
            fenced = Map.of();
        }
        return summary(fenced);
    }

    private Map<String, Object> summary(Map<Integer, PartitionEpochs.Owner> fenced) {
        List<String> members = ownership.members();
        Map<String, List<Integer>> acting = new TreeMap<>();
        members.forEach(member -> acting.put(member, new ArrayList<>()));
        fenced.values().forEach(last -> acting.putIfAbsent(last.node(), new ArrayList<>()));
        acting.putIfAbsent(ownership.nodeId(), new ArrayList<>());
        List<Integer> unowned = new ArrayList<>();
        for (int partition = 0; partition < ownership.partitioning().count(); partition++) {
            int p = partition;
            ownership
                    .ownerOf(partition)
                    .ifPresentOrElse(
                            owner -> acting.computeIfAbsent(owner, node -> new ArrayList<>())
                                    .add(p),
                            () -> unowned.add(p));
        }
        List<Node> nodes = new ArrayList<>();
        acting.forEach((node, partitions) -> {
            boolean self = node.equals(ownership.nodeId());
            // this node is alive while it answers; lock files list no member
            nodes.add(new Node(
                    node,
                    self,
                    self ? Boolean.TRUE : members.isEmpty() ? null : members.contains(node),
                    List.copyOf(partitions)));
        });
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("node", ownership.nodeId());
        summary.put("clustered", ownership.service().isPresent());
        summary.put("service", ownership.service().orElse(null));
        summary.put("connected", ownership.isConnected());
        summary.put("unowned", unowned);
        summary.put("nodes", nodes);
        return summary;
    }
}
