package io.ucsync.app;

import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.lab.tserver.JournalEntry;
import io.ucsync.lab.tserver.TServerEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * What the chaos soak runs against: ucsync as one process on its H2 file ({@link #singleProcess}), or a cluster of
 * nodes on PostgreSQL and ZooKeeper ({@link #cluster}). The soak's flow and faults go through this, so that a fault
 * that kills ucsync kills the process acting for the worker concerned, and a cluster adds a fault of its own.
 */
interface SoakTopology extends AutoCloseable {

    /** Node faults take a JVM start or two (and a ZooKeeper session's expiry): under load on 2 cores, minutes. */
    Duration NODE_START = Duration.ofMinutes(3);

    /** The T-Server primary ucsync is configured with at first. */
    TServerEmulator tserver();

    /** Appends these lines to every ucsync process's configuration, before the start (a later line overrides). */
    void addProperties(String... lines) throws IOException;

    /** Starts ucsync and returns once it serves (a cluster: once every partition has its owner). */
    void start() throws IOException;

    FrontEndEmulator frontEnd();

    /** The front end restarted on its port (every subscription lost), with these presences set again. */
    void restartFrontEnd(Map<Integer, Integer> presences);

    /** The route directory every ucsync process reads. */
    Path routes();

    /** The KW API of a ucsync process that runs. */
    KwClient kw();

    /** kill -9 of the ucsync process that acts for the worker, then started again; returns once it serves again. */
    void killAndRestartOwnerOf(int worker) throws IOException, InterruptedException;

    /** Faults of this topology's own besides the soak's, by name; each is injected once a round (the round given, from 0). */
    Map<String, IntConsumer> ownFaults();

    /** What every ucsync process printed, all of them one after the other. */
    List<String> log() throws IOException;

    /** Never two ucsync processes acting for one worker at once, as these T-Server journals tell. */
    void assertOneOwnerAtATime(List<List<JournalEntry>> journals) throws IOException;

    /** What ran, in a few words, for the soak's line of counts. */
    String describe();

    @Override
    void close() throws InterruptedException;

    /** ucsync as one process (java ... io.ucsync.Ucsync) on its H2 file, with these extra properties. */
    static SoakTopology singleProcess(Path home, int workers, String... properties) throws IOException {
        return new SingleProcess(UcsyncHarness.in(home, workers, properties));
    }

    /** A cluster of {@code nodes} nodes on {@code partitions} partitions ({@link ClusterHarness}), with these extra properties. */
    static SoakTopology cluster(Path home, int workers, int nodes, int partitions, String... properties)
            throws IOException {
        List<String> all = new ArrayList<>(List.of("ucsync.cluster.partitions=" + partitions));
        all.addAll(List.of(properties));
        return new Cluster(ClusterHarness.of(home, workers, nodes, all.toArray(String[]::new)), partitions);
    }

    /** One process: it acts for every worker, so it is the one a fault kills, and one owner at a time goes without saying. */
    final class SingleProcess implements SoakTopology {
        private final UcsyncHarness ucsync;

        private SingleProcess(UcsyncHarness ucsync) {
            this.ucsync = ucsync;
        }

        @Override
        public TServerEmulator tserver() {
            return ucsync.tserver();
        }

        @Override
        public void addProperties(String... lines) throws IOException {
            Files.write(ucsync.config(), List.of(lines), StandardOpenOption.APPEND);
        }

        @Override
        public void start() throws IOException {
            ucsync.startProcess();
        }

        @Override
        public FrontEndEmulator frontEnd() {
            return ucsync.frontEnd();
        }

        @Override
        public void restartFrontEnd(Map<Integer, Integer> presences) {
            ucsync.restartFrontEnd(presences);
        }

        @Override
        public Path routes() {
            return ucsync.home.resolve("routes");
        }

        @Override
        public KwClient kw() {
            return ucsync.kw();
        }

        @Override
        public void killAndRestartOwnerOf(int worker) throws IOException, InterruptedException {
            ucsync.killProcess();
            ucsync.startProcess();
        }

        @Override
        public Map<String, IntConsumer> ownFaults() {
            return Map.of();
        }

        @Override
        public List<String> log() throws IOException {
            return ucsync.log();
        }

        @Override
        public void assertOneOwnerAtATime(List<List<JournalEntry>> journals) {
            // one process: its kill -9 and restart leave no other to act meanwhile
        }

        @Override
        public String describe() {
            return "ucsync as one process on H2";
        }

        @Override
        public void close() throws InterruptedException {
            ucsync.close();
        }
    }

    /**
     * Nodes as their own processes with real PostgreSQL and ZooKeeper. A fault that kills ucsync kills the node acting
     * for the worker; the cluster's own fault kills a node (each in turn), waits for its partitions to move to the
     * others and starts it again, until they are back on it.
     */
    final class Cluster implements SoakTopology {
        static final String NODE_KILLED = "node killed with kill -9, partitions moved and back";
        private final ClusterHarness cluster;
        private final int partitions;

        private Cluster(ClusterHarness cluster, int partitions) {
            this.cluster = cluster;
            this.partitions = partitions;
        }

        @Override
        public TServerEmulator tserver() {
            return cluster.tserver;
        }

        @Override
        public void addProperties(String... lines) throws IOException {
            cluster.addProperties(lines);
        }

        @Override
        public void start() throws IOException {
            cluster.start(allNodes());
            cluster.awaitPartitionsOn(NODE_START, allNodes());
        }

        private int[] allNodes() {
            return IntStream.rangeClosed(1, cluster.nodes()).toArray();
        }

        @Override
        public FrontEndEmulator frontEnd() {
            return cluster.frontEnd();
        }

        @Override
        public void restartFrontEnd(Map<Integer, Integer> presences) {
            cluster.restartFrontEnd(presences);
        }

        @Override
        public Path routes() {
            return cluster.home.resolve("routes");
        }

        @Override
        public KwClient kw() {
            return cluster.kw(cluster.running()[0]);
        }

        /** The node acting for the worker's partition (the timer a worker armed is there) is killed and started again. */
        @Override
        public void killAndRestartOwnerOf(int worker) throws IOException, InterruptedException {
            int[] owner = new int[1];
            await("an owner of " + UcsyncHarness.worker(worker))
                    .atMost(NODE_START)
                    .ignoreExceptions()
                    .until(() -> (owner[0] = cluster.ownerOf(worker)) > 0);
            cluster.kill(owner[0]);
            cluster.start(owner[0]);
            cluster.awaitPartitionsOn(NODE_START, allNodes());
        }

        @Override
        public Map<String, IntConsumer> ownFaults() {
            return Map.of(NODE_KILLED, this::killNodeUntilItsPartitionsMoved);
        }

        /** Node 1 in the first round, node 2 in the second...: killed; the others take its partitions; started again. */
        private void killNodeUntilItsPartitionsMoved(int round) {
            int node = 1 + round % cluster.nodes();
            try {
                cluster.kill(node);
                cluster.awaitPartitionsOn(
                        NODE_START,
                        IntStream.of(allNodes()).filter(other -> other != node).toArray());
                cluster.start(node);
                cluster.awaitPartitionsOn(NODE_START, allNodes());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<String> log() throws IOException {
            List<String> log = new ArrayList<>();
            for (int node = 1; node <= cluster.nodes(); node++) {
                log.addAll(cluster.log(node));
            }
            return log;
        }

        @Override
        public void assertOneOwnerAtATime(List<List<JournalEntry>> journals) throws IOException {
            cluster.assertOneOwnerAtATime(partitions, journals);
        }

        @Override
        public String describe() {
            return cluster.nodes() + " nodes on PostgreSQL and ZooKeeper, " + partitions + " partitions";
        }

        @Override
        public void close() throws InterruptedException {
            cluster.close();
        }
    }
}
