package io.ucsync.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Which node should own each partition, given the nodes that are in the cluster now: rendezvous hashing with bounded
 * loads. Every partition, in order, goes to the node of highest weight (a hash of partition and node id) among those
 * that hold fewer than ceil(P / N) partitions so far. A pure function of the member ids: every node computes the same
 * answer, with no message between them; partitions spread evenly (4/4/4 for P=12 over three nodes); when a node
 * leaves, only its partitions move, and when it comes back it gets exactly the ones it had.
 * <p>
 * It decides nothing by itself: the owner of a partition is whoever ZooKeeper's election made leader of it, and a
 * leader that is not the partition's node here hands it on (it steps back in the election), when that node is in it.
 */
final class PartitionAssignment {

    private PartitionAssignment() {}

    /** The node for each partition (index = partition), for members given by id; empty members give no answer. */
    static List<String> assign(int partitions, Collection<String> members) {
        List<String> nodes = members.stream().distinct().sorted().toList();
        if (nodes.isEmpty()) {
            return List.of();
        }
        int bound = (partitions + nodes.size() - 1) / nodes.size();
        Map<String, Integer> load = new HashMap<>();
        List<String> owners = new ArrayList<>(partitions);
        for (int partition = 0; partition < partitions; partition++) {
            int p = partition;
            String owner = nodes.stream()
                    .filter(node -> load.getOrDefault(node, 0) < bound)
                    .max(Comparator.comparingLong((String node) -> weight(p, node))
                            .thenComparing(Comparator.reverseOrder()))
                    .orElseThrow();
            load.merge(owner, 1, Integer::sum);
            owners.add(owner);
        }
        return owners;
    }

    private static long weight(int partition, String node) {
        CRC32 crc = new CRC32();
        crc.update((partition + "/" + node).getBytes(StandardCharsets.UTF_8));
        // CRC32 alone mixes the last bytes poorly: scramble it (the finalizer of MurmurHash3)
        long h = crc.getValue();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
