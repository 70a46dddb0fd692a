package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.dn;
import static io.ucsync.app.UcsyncHarness.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ucsync.lab.tserver.JournalEntry;
import io.ucsync.state.Partitioning;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ucsync cluster with real ZooKeeper and PostgreSQL, its nodes as their own processes ({@link ClusterHarness}):
 * nodes killed with kill -9, paused, restarted; the T-Server's request journal says who acted on each DN and when.
 */
class ClusterScenariosTest {

    @TempDir
    Path home;

    @Test
    void theStandbyTakesOverFromAKilledActiveNodeAndItsDeclinedPreviewTimerFiresOnceThere() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.of(
                home,
                1000,
                2,
                "ucsync.cluster.partitions=1",
                "ucsync.kw.preview-api-token=routing-token",
                "ucsync.notready-timeout=15s")) {
            cluster.start(1, 2);
            int active = awaitOwnerOfEverything(cluster, 2, 1);
            int standby = 3 - active;
            cluster.awaitEveryAgent(Duration.ofMinutes(2), worker -> "Ready");

            PresenceFlow flow = cluster.presenceFlow();
            // the routing system offers worker 1 a preview through the standby; the worker sees it on the active node
            // and declines it there: NotReady for 15 s, its timer on the active node
            KwClient kw = cluster.kw(active);
            String session = kw.signIn(1, UcsyncHarness.password(1));
            cluster.kw(standby).offerPreview(1, "routing-token");
            await("the offer shown by the other node")
                    .atMost(Duration.ofSeconds(10))
                    .until(
                            () -> kw.api("GET", 1, "", session, false).body(),
                            view -> view.contains("\"previewOffered\":{"));
            assertThat(kw.api("POST", 1, "/preview/decline", session, true).statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agent(1).equals("NotReady PreviewDeclined"));
            Instant declined = Instant.now();

            // worker 2 signs in on the standby, which owns no one: the change reaches the active node and takes effect
            // there, and the session made on the standby is good on the active node
            String onStandby = cluster.kw(standby).signIn(2, UcsyncHarness.password(2));
            HttpResponse<String> dndOn = cluster.kw(standby).api("PUT", 2, "/cc-dnd?on=true", onStandby, true);
            assertThat(dndOn.statusCode()).as(dndOn.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.agent(2).equals("NotReady CCDoNotDisturb"));
            assertThat(cluster.tserver.journal())
                    .as("asked by the owner's connection only")
                    .filteredOn(
                            entry -> entry.dn().equals(dn(2)) && entry.request().equals("RequestAgentNotReady"))
                    .extracting(JournalEntry::client)
                    .containsOnly(lastClientOf(cluster, dn(1)));
            HttpResponse<String> dndOff = cluster.kw(active).api("PUT", 2, "/cc-dnd?on=false", onStandby, true);
            assertThat(dndOff.statusCode())
                    .as("the standby's session on the active node: " + dndOff.body())
                    .isEqualTo(200);
            assertThat(dndOff.body()).contains("\"contactCenterDnd\":false");

            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > 1000);
            Instant killed = Instant.now();
            cluster.kill(active);
            awaitOwnerOfEverything(cluster, standby);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > 3000);
            flow.close();

            cluster.awaitEveryAgent(Duration.ofSeconds(90), flow::expected);
            Instant windowEnded = cluster.tserver.journal().stream()
                    .filter(entry -> entry.dn().equals(dn(1)))
                    .filter(entry ->
                            entry.at().isAfter(declined) && entry.request().startsWith("RequestAgent"))
                    .map(JournalEntry::at)
                    .findFirst()
                    .orElseThrow();
            assertThat(Duration.between(declined, windowEnded))
                    .as("worker 1 NotReady until the window's end")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(14));
            String fired = "timer preview-decline for " + worker(1) + " fired";
            assertThat(cluster.log(active))
                    .as("not fired on the node killed before it was due")
                    .noneMatch(line -> line.contains(fired));
            assertThat(cluster.log(standby))
                    .as("fired once, on the survivor")
                    .filteredOn(line -> line.contains(fired))
                    .hasSize(1);

            cluster.assertNoDuplicateLogins();
            cluster.assertOneOwnerAtATime(1);
            List<JournalEntry> journal = cluster.tserver.journal();
            String killedClient = journal.stream()
                    .filter(entry -> entry.at().isBefore(killed))
                    .reduce((first, second) -> second)
                    .orElseThrow()
                    .client();
            Instant firstRequest = journal.stream()
                    .filter(entry ->
                            entry.at().isAfter(killed) && !entry.client().equals(killedClient))
                    .map(JournalEntry::at)
                    .findFirst()
                    .orElseThrow();
            System.out.printf(
                    "cluster take-over: kill -9 to the survivor's first request %d ms (session timeout 6 s)%n",
                    Duration.between(killed, firstRequest).toMillis());
        }
    }

    @Test
    void threeNodesShareTwelvePartitionsAndTheyMoveAndComeBackWithANode() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.of(home, 3000, 3, "ucsync.cluster.partitions=12")) {
            cluster.start(1, 2, 3);
            await("4 partitions each")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> spread(cluster, 1, 2, 3).values().stream().allMatch(acting -> acting.size() == 4));
            Map<Integer, Set<Integer>> before = spread(cluster, 1, 2, 3);
            cluster.awaitEveryAgent(Duration.ofMinutes(3), worker -> "Ready");
            await("node-2's dashboard shows the three nodes, alive, with their partitions and all workers")
                    .atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        Map<Integer, Set<Integer>> shown = new TreeMap<>();
                        int workers = 0;
                        for (JsonNode node : cluster.operatorGet(2, "/api/dashboard/overview")
                                .path("cluster")
                                .path("nodes")) {
                            assertThat(node.path("alive").asBoolean())
                                    .as(node.toString())
                                    .isTrue();
                            Set<Integer> partitions = new TreeSet<>();
                            node.path("partitions").forEach(partition -> partitions.add(partition.asInt()));
                            shown.put(
                                    Integer.parseInt(node.path("id").asText().substring("node-".length())), partitions);
                            workers += node.path("workers").asInt();
                        }
                        assertThat(shown).isEqualTo(before);
                        assertThat(workers).isEqualTo(cluster.workers);
                    });

            cluster.kill(3);
            await("node-3's partitions on the others")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        Map<Integer, Set<Integer>> now = spread(cluster, 1, 2);
                        return now.get(1).size() + now.get(2).size() == 12;
                    });
            PresenceFlow flow = cluster.presenceFlow();
            await().atMost(Duration.ofSeconds(60)).until(() -> flow.sent.get() > 2000);
            flow.close();
            cluster.awaitEveryAgent(Duration.ofMinutes(2), flow::expected);

            cluster.start(3);
            await("node-3's partitions back on it")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> spread(cluster, 1, 2, 3).equals(before));
            PresenceFlow after = cluster.presenceFlow();
            await().atMost(Duration.ofSeconds(60)).until(() -> after.sent.get() > 2000);
            after.close();
            Map<Integer, Integer> last = new HashMap<>(flow.last);
            last.putAll(after.last);
            cluster.awaitEveryAgent(
                    Duration.ofMinutes(2),
                    worker -> PresenceFlow.MAPPED.get(last.getOrDefault(worker, UcsyncHarness.ONLINE)));
            cluster.assertNoDuplicateLogins();
            cluster.assertOneOwnerAtATime(12);
            Partitioning twelve = new Partitioning(12);
            int workerOfNode3 = java.util.stream.IntStream.rangeClosed(1, cluster.workers)
                    .filter(w -> before.get(3).contains(twelve.of(worker(w))))
                    .findFirst()
                    .orElseThrow();
            assertThat(cluster.kw(1).api("GET", workerOfNode3, "").body())
                    .as("any node shows who owns a worker")
                    .contains("\"owner\":\"node-3\"");
        }
    }

    @Test
    void aPausedOwnerStopsActingAndItsWritesAreRefusedOnceAnotherNodeTookItsPartitionsOver() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.of(home, 100, 2, "ucsync.cluster.partitions=2")) {
            cluster.start(1, 2);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.acting(1).size() + cluster.acting(2).size() == 2
                            && !cluster.acting(1).isEmpty()
                            && !cluster.acting(2).isEmpty());
            cluster.awaitEveryAgent(Duration.ofMinutes(1), worker -> "Ready");

            PresenceFlow flow = cluster.presenceFlow();
            cluster.pause(2);
            Instant paused = Instant.now();
            await("node-1 owning both")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.acting(1).size() == 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > 3000);
            cluster.resume(2);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > 5000);
            flow.close();

            cluster.awaitEveryAgent(Duration.ofMinutes(1), flow::expected);
            cluster.assertOneOwnerAtATime(2);
            assertThat(cluster.log(2))
                    .as("the paused node knew at once that it had lost its session")
                    .anyMatch(
                            line -> line.contains("ZooKeeper connection") && line.contains("acting for no partition"));
            await("the resumed node back in every election")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.cluster(1).get("members").size() == 2);
            System.out.printf("paused at %s; node-1 took over both partitions%n", paused);
        }
    }

    @Test
    void neitherAPostgresqlRestartNorAZooKeeperRestartLosesAChangeOrMakesTwoOwners() throws Exception {
        try (ClusterHarness cluster = ClusterHarness.of(home, 200, 2, "ucsync.cluster.partitions=4")) {
            cluster.start(1, 2);
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            cluster.acting(1).size() == 2 && cluster.acting(2).size() == 2);
            cluster.awaitEveryAgent(Duration.ofMinutes(1), worker -> "Ready");

            PresenceFlow flow = cluster.presenceFlow();
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > 500);
            cluster.postgres.stop();
            int sentBefore = flow.sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > sentBefore + 400);
            cluster.postgres.startAgain();
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > sentBefore + 1000);

            cluster.zookeeper.kill();
            int sentAtZooKeeperKill = flow.sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > sentAtZooKeeperKill + 400);
            cluster.zookeeper.startAgain();
            await("every partition owned again")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> cluster.acting(1).size() + cluster.acting(2).size() == 4);
            await().atMost(Duration.ofSeconds(30)).until(() -> flow.sent.get() > sentAtZooKeeperKill + 1500);
            flow.close();

            cluster.awaitEveryAgent(Duration.ofMinutes(1), flow::expected);
            cluster.assertNoDuplicateLogins();
            cluster.assertOneOwnerAtATime(4);
        }
    }

    /**
     * Waits until every one of these nodes sees them all in the cluster and one of them acts for partition 0, and
     * stays so for a second (the partition has settled where the cluster wants it); that node's number.
     */
    private static int awaitOwnerOfEverything(ClusterHarness cluster, int... nodes) {
        int[] owner = new int[1];
        await("every node seeing the others")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> {
                    for (int node : nodes) {
                        if (cluster.cluster(node).get("members").size() != nodes.length) {
                            return false;
                        }
                    }
                    return true;
                });
        await("one node owning partition 0, settled")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> {
                    int found = -1;
                    for (int node : nodes) {
                        if (cluster.acting(node).contains(0)) {
                            found = node;
                        }
                    }
                    if (found != owner[0]) {
                        owner[0] = found;
                        return false;
                    }
                    return found > 0;
                });
        int settled = owner[0];
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(() -> cluster.acting(settled).contains(0));
        return settled;
    }

    /** The partitions each of these nodes acts for. */
    private static Map<Integer, Set<Integer>> spread(ClusterHarness cluster, int... nodes) throws Exception {
        Map<Integer, Set<Integer>> spread = new TreeMap<>();
        for (int node : nodes) {
            spread.put(node, cluster.acting(node));
        }
        return spread;
    }

    /** The connection that sent the newest request on a DN. */
    private static String lastClientOf(ClusterHarness cluster, String dn) {
        return cluster.tserver.journal().stream()
                .filter(entry -> entry.dn().equals(dn))
                .reduce((first, second) -> second)
                .orElseThrow()
                .client();
    }
}
