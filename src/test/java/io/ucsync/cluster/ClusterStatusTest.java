package io.ucsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.state.Fence;
import io.ucsync.state.PartitionEpochs;
import io.ucsync.state.Partitioning;
import io.ucsync.state.StateDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the operator is shown of the cluster (the dashboard's cluster section, GET /api/cluster): a node alone says
 * it is one and owns the one partition; in a cluster, every node with the partitions it acts for, a dead node that the
 * store still names as the last owner of a partition listed as not alive, and the partitions nobody owns now.
 */
class ClusterStatusTest {

    @TempDir
    Path dir;

    @Test
    void aNodeAloneSaysItIsOneAndOwnsTheOnePartition() throws Exception {
        try (StateDatabase database = open(1)) {
            PartitionEpochs epochs = new PartitionEpochs(database, Clock.systemUTC());
            SingleNode alone = new SingleNode(epochs, "host-a:8080");
            alone.start(null, new IdleWork());

            Map<String, Object> summary = new ClusterStatus(alone, epochs).summary();
            assertThat(summary)
                    .containsEntry("node", "host-a:8080")
                    .containsEntry("clustered", false)
                    .containsEntry("service", null)
                    .containsEntry("connected", true)
                    .containsEntry("unowned", List.of())
                    .containsEntry("nodes", List.of(new ClusterStatus.Node("host-a:8080", true, true, List.of(0))));
        }
    }

    @Test
    void everyNodeWithItsPartitionsADeadLastOwnerNotAliveAndThePartitionsNobodyOwns() throws Exception {
        try (StateDatabase database = open(6)) {
            PartitionEpochs epochs = new PartitionEpochs(database, Clock.systemUTC());
            // node-c died: partition 5 was last taken over by it, and no node has taken it over since
            Map<Integer, String> owners = Map.of(0, "node-a", 1, "node-b", 2, "node-a", 3, "node-b", 4, "node-a");
            for (Map.Entry<Integer, String> owner : owners.entrySet()) {
                epochs.raise(owner.getKey(), owner.getValue());
            }
            epochs.raise(5, "node-c");
            SeenFromNodeA nodeA = new SeenFromNodeA(new HashMap<>(owners), List.of("node-a", "node-b"), false);

            Map<String, Object> summary = new ClusterStatus(nodeA, epochs).summary();
            assertThat(summary)
                    .containsEntry("node", "node-a")
                    .containsEntry("clustered", true)
                    .containsEntry("service", "ZooKeeper zk:2181")
                    .containsEntry("connected", false)
                    .containsEntry("unowned", List.of(5))
                    .containsEntry(
                            "nodes",
                            List.of(
                                    new ClusterStatus.Node("node-a", true, true, List.of(0, 2, 4)),
                                    new ClusterStatus.Node("node-b", false, true, List.of(1, 3)),
                                    new ClusterStatus.Node("node-c", false, false, List.of())));

            Map<String, Object> status = new ClusterStatus(nodeA, epochs).status();
            assertThat(status)
                    .containsEntry("nodes", summary.get("nodes"))
                    .containsEntry("members", List.of("node-a", "node-b"))
                    .containsEntry("acting", Set.of(0, 2, 4));
            assertThat((List<?>) status.get("partitions")).hasSize(6);
        }
    }

    private StateDatabase open(int partitions) throws Exception {
        return StateDatabase.open("jdbc:h2:file:" + dir.resolve("ucsync"), "sa", "", partitions, null);
    }

    /** A node of a cluster as {@link ClusterNode} answers, without ZooKeeper: who owns what, as node-a knows it. */
    private record SeenFromNodeA(Map<Integer, String> owners, List<String> members, boolean isConnected)
            implements PartitionOwnership {

        @Override
        public Partitioning partitioning() {
            return new Partitioning(6);
        }

        @Override
        public String nodeId() {
            return "node-a";
        }

        @Override
        public void start(CamelContext camel, PartitionWork work) {
            throw new UnsupportedOperationException("not started in this test");
        }

        @Override
        public Set<Integer> acting() {
            Set<Integer> acting = new TreeSet<>();
            owners.forEach((partition, owner) -> {
                if (owner.equals(nodeId())) {
                    acting.add(partition);
                }
            });
            return acting;
        }

        @Override
        public Optional<String> ownerOf(int partition) {
            return Optional.ofNullable(owners.get(partition));
        }

        @Override
        public Optional<String> service() {
            return Optional.of("ZooKeeper zk:2181");
        }

        @Override
        public Optional<Fence> fenceFor(String sipUri) {
            return Optional.empty();
        }

        @Override
        public boolean holds(String sipUri) {
            return false;
        }

        @Override
        public void close() {}
    }

    private static final class IdleWork implements PartitionWork {

        @Override
        public void load(int partition) {}

        @Override
        public void start(int partition) {}

        @Override
        public void stop(int partition) {}

        @Override
        public boolean awaitingAnswers(int partition) {
            return false;
        }
    }
}
