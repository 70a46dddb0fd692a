package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.dn;
import static io.ucsync.app.UcsyncHarness.worker;
import static org.awaitility.Awaitility.await;

import io.ucsync.bench.AgentChangeObserver;
import io.ucsync.bench.Bench;
import io.ucsync.lab.tserver.JournalEntry;
import io.ucsync.presence.PresenceSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cluster's figures ({@link ClusterHarness}: real ZooKeeper and PostgreSQL, each node its own JVM, the emulators in
 * this one, everything sharing the machine's cores): the take-over time after kill -9 of the active node over ten
 * kills, the start of 30,000 workers over three nodes, and presence changes per second and latency with three nodes
 * against one. Prints {@code BENCH <name> <value> <unit>} lines; {@code mvn -B verify -Pbench}.
 */
@Tag("benchmark")
class ClusterBenchmark {

    private static final int KILLS = Integer.getInteger("bench.cluster.kills", 10);

    @Test
    void takeOverAfterKillOfTheActiveNode() throws Exception {
        Path home = Files.createTempDirectory("ucsync-cluster-bench");
        List<Long> takeOvers = new ArrayList<>();
        try (ClusterHarness cluster = ClusterHarness.of(home, 1000, 2, "ucsync.cluster.partitions=1")) {
            cluster.start(1, 2);
            cluster.awaitEveryAgent(Duration.ofMinutes(2), worker -> "Ready");
            PresenceFlow flow = cluster.presenceFlow();
            for (int kill = 1; kill <= KILLS; kill++) {
                int active = awaitSettledOwner(cluster);
                String activeClient = lastClient(cluster);
                Instant killed = Instant.now();
                cluster.kill(active);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> firstRequestAfter(cluster, killed, activeClient) != null);
                long millis = Duration.between(killed, firstRequestAfter(cluster, killed, activeClient))
                        .toMillis();
                takeOvers.add(millis);
                System.out.printf(
                        "kill %d of node-%d: the survivor's first request after %d ms%n", kill, active, millis);
                cluster.start(active);
            }
            flow.close();
            cluster.awaitEveryAgent(Duration.ofMinutes(2), flow::expected);
        }
        Collections.sort(takeOvers);
        Bench.report("cluster.takeover.p50", takeOvers.get(takeOvers.size() / 2) / 1000.0, "s");
        Bench.report("cluster.takeover.max", takeOvers.get(takeOvers.size() - 1) / 1000.0, "s");
        System.out.println("(session timeout 6 s, ZooKeeper tickTime 2 s; 1,000 workers, presences changing at 200/s)");
    }

    @Test
    void startOfThirtyThousandWorkersOverThreeNodes() throws Exception {
        Path home = Files.createTempDirectory("ucsync-cluster-bench");
        try (ClusterHarness cluster = ClusterHarness.of(home, 30_000, 3, "ucsync.cluster.partitions=12")) {
            long started = System.nanoTime();
            cluster.start(1, 2, 3);
            cluster.awaitEveryAgent(Duration.ofMinutes(15), worker -> "Ready");
            Bench.report("cluster.start.30k", (System.nanoTime() - started) / 1e9, "s");
            System.out.println(
                    "(from starting the three JVMs to every agent logged in Ready: JVM starts, elections, hand-overs,"
                            + " 30,000 subscriptions and DN registrations)");
        }
    }

    @Test
    void changesPerSecondAndLatencyWithThreeNodesAgainstOne() throws Exception {
        for (int nodes : new int[] {1, 3}) {
            Path home = Files.createTempDirectory("ucsync-cluster-bench");
            try (ClusterHarness cluster = ClusterHarness.of(home, 3000, nodes, "ucsync.cluster.partitions=12")) {
                cluster.start(nodes == 1 ? new int[] {1} : new int[] {1, 2, 3});
                cluster.awaitEveryAgent(Duration.ofMinutes(5), worker -> "Ready");
                measure(cluster, nodes, 500);
                measure(cluster, nodes, 1000);
            }
        }
        System.out.println("(every node, ZooKeeper, PostgreSQL and the emulators share the machine's 2 cores)");
    }

    /** Presence changes offered at {@code rate} for 20 s: what the T-Server saw of them, and how long each took. */
    private static void measure(ClusterHarness cluster, int nodes, int rate) throws Exception {
        List<String> dns = IntStream.rangeClosed(1, cluster.workers)
                .mapToObj(UcsyncHarness::dn)
                .toList();
        try (AgentChangeObserver observer = new AgentChangeObserver(cluster.tserver.port(), dns)) {
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(20);
            int round = 0;
            for (long next = start; next < end; next += intervalNanos) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing an open-loop load, not waiting for a condition
                }
                int worker = 1 + (round % cluster.workers);
                boolean busy = (round / cluster.workers) % 2 == 0;
                round++;
                observer.expect(dn(worker), busy ? "Busy" : "Away");
                cluster.frontEnd().presence(worker(worker), busy ? 6500 : 15500, null, PresenceSource.USER);
            }
            await().atMost(Duration.ofMinutes(3)).until(observer::sawAll);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<Long> sorted = observer.takeLatencies();
            String prefix = "cluster." + nodes + "node" + (nodes == 1 ? "" : "s") + ".at" + rate;
            Bench.report(prefix + ".throughput", Math.round(observer.seen() / seconds), "changes/s");
            Bench.report(prefix + ".p50", AgentChangeObserver.percentileMillis(sorted, 50), "ms");
            Bench.report(prefix + ".p99", AgentChangeObserver.percentileMillis(sorted, 99), "ms");
        }
    }

    /**
     * The node acting for the partition once both nodes are members and the same one has acted for it for 2 s: a node
     * started again may take its partition back first (it is the preferred owner), and a kill in the middle of that
     * hand-over would measure the hand-over, not the take-over.
     */
    private static int awaitSettledOwner(ClusterHarness cluster) {
        int[] owner = new int[1];
        long[] sinceNanos = {System.nanoTime()};
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
            int found = cluster.acting(1).contains(0) ? 1 : cluster.acting(2).contains(0) ? 2 : 0;
            boolean both = cluster.cluster(1).get("members").size() == 2
                    && cluster.cluster(2).get("members").size() == 2;
            if (!both || found == 0 || found != owner[0]) {
                owner[0] = both ? found : 0;
                sinceNanos[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - sinceNanos[0] >= TimeUnit.SECONDS.toNanos(2);
        });
        return owner[0];
    }

    /** The client of the newest request in the T-Server's journal: the active node's connection. */
    private static String lastClient(ClusterHarness cluster) {
        List<JournalEntry> journal = cluster.tserver.journal();
        return journal.get(journal.size() - 1).client();
    }

    private static Instant firstRequestAfter(ClusterHarness cluster, Instant killed, String killedClient) {
        return cluster.tserver.journal().stream()
                .filter(entry -> entry.at().isAfter(killed) && !entry.client().equals(killedClient))
                .map(JournalEntry::at)
                .findFirst()
                .orElse(null);
    }
}
