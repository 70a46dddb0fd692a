package io.ucsync.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ucsync.state.Partitioning;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which node should own each partition: spread evenly, moved only when needed, the same on every node. */
class PartitionAssignmentTest {

    private static Map<String, Long> load(List<String> owners) {
        return owners.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void twelve_partitions_spread_four_each_over_three_nodes_whatever_order_the_nodes_are_listed_in() {
        List<String> owners = PartitionAssignment.assign(12, List.of("node-1", "node-2", "node-3"));
        assertThat(load(owners))
                .containsOnly(Map.entry("node-1", 4L), Map.entry("node-2", 4L), Map.entry("node-3", 4L));
        assertThat(PartitionAssignment.assign(12, List.of("node-3", "node-1", "node-2")))
                .isEqualTo(owners);
    }

    @Test
    void a_node_that_leaves_gives_up_only_its_own_partitions_and_gets_exactly_them_back_when_it_returns() {
        List<String> three = PartitionAssignment.assign(12, List.of("node-1", "node-2", "node-3"));
        List<String> two = PartitionAssignment.assign(12, List.of("node-1", "node-2"));
        assertThat(load(two)).containsOnly(Map.entry("node-1", 6L), Map.entry("node-2", 6L));
        IntStream.range(0, 12)
                .filter(p -> !three.get(p).equals("node-3"))
                .forEach(p -> assertThat(two.get(p))
                        .as("partition %d stays where it was", p)
                        .isEqualTo(three.get(p)));
        assertThat(PartitionAssignment.assign(12, List.of("node-1", "node-2", "node-3")))
                .isEqualTo(three);
    }

    @Test
    void one_partition_is_an_active_standby_pair_and_no_members_give_no_answer() {
        assertThat(PartitionAssignment.assign(1, List.of("a", "b"))).hasSize(1).containsAnyOf("a", "b");
        assertThat(PartitionAssignment.assign(4, List.of())).isEmpty();
    }

    @Test
    void a_workers_partition_is_stable_across_runs_and_case() {
        Partitioning twelve = new Partitioning(12);
        assertThat(twelve.of("sip:kw0001@ucsync.test"))
                .isEqualTo(twelve.of("SIP:KW0001@UCSYNC.TEST"))
                .isBetween(0, 11);
        // CRC32 is fixed by its standard: this value holds in every JVM and release (a change would move every worker)
        assertThat(new Partitioning(1000).of("sip:kw0001@ucsync.test")).isEqualTo(772);
        assertThat(IntStream.rangeClosed(1, 3000)
                        .mapToObj(i -> String.format("sip:kw%04d@ucsync.test", i))
                        .map(twelve::of)
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                        .values())
                .as("3,000 workers over 12 partitions")
                .allSatisfy(count -> assertThat(count).isBetween(200L, 300L));
    }
}
