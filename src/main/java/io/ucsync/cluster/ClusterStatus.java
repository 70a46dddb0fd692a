package io.ucsync.cluster;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ucsync.http.RequestRefused;
import io.ucsync.state.PartitionEpochs;

/**
 * The cluster as the operator's API shows it (GET /api/cluster): this node, the nodes in the cluster, and each
 * partition's owner with the epoch it took the partition over with. A node alone is a cluster of one with one partition.
 */
public final class ClusterStatus {

    private final PartitionOwnership ownership;
    private final PartitionEpochs epochs;

    public ClusterStatus(PartitionOwnership ownership, PartitionEpochs epochs) {
        this.ownership = ownership;
        this.epochs = epochs;
    }

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
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("node", ownership.nodeId());
        status.put("members", ownership.members());
        status.put("acting", ownership.acting());
        status.put("partitions", partitions);
        return status;
    }
}
