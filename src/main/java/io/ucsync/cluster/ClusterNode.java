package io.ucsync.cluster;

import io.ucsync.state.Fence;
import io.ucsync.state.PartitionEpochs;
import io.ucsync.state.Partitioning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.zookeeper.ZooKeeperCuratorConfiguration;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a cluster: it owns the partitions whose election Camel's cluster service (ZooKeeper, or lock files) made
 * it the leader of, and nothing else. Every node joins the election of every partition, so that when an owner dies,
 * ZooKeeper itself gives each of its partitions to the next node in line; a leader that {@link PartitionAssignment}
 * gives to another node in line steps back, so that partitions spread over the nodes and return to a node that
 * restarts.
 * <p>
 * Camel 4.18's ZooKeeper view fires no event when it loses leadership with its connection, and does not enter the
 * election again after a reconnect (CAMEL-24457): so this node reads each view's leadership every
 * {@value #TICK_MILLIS} ms instead of waiting for events, stops acting for every partition the moment ZooKeeper's
 * connection is suspended (at two thirds of the session, before any other node can take over), and joins every
 * election again once it is reconnected. A node that misses all of it (a long pause) is still stopped by the store:
 * the new owner raised the partition's epoch, and every write of the old one is refused.
 */
public final class ClusterNode implements PartitionOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    static final long TICK_MILLIS = 100;
    private static final long MEMBERS_EVERY_MILLIS = 500;
    /** How long a node stepping back waits for Curator to let go before it queues again. */
    private static final Duration LET_GO_WAIT = Duration.ofSeconds(5);
    /** The ZooKeeper path under which each partition's election lives (a chroot in the connect string separates clusters). */
    private static final String BASE_PATH = "/ucsync";

    private final ClusterOptions options;
    private final Partitioning partitioning;
    private final PartitionEpochs epochs;
    private CamelContext camel;
    private CamelClusterService service;
    /** The ZooKeeper client, to watch its connection; null with lock files. */
    private CuratorFramework curator;

    private final CamelClusterView[] views;
    /** The fence of each partition this node acts for; null for the others. Set and cleared on any thread. */
    private final AtomicReferenceArray<Fence> acting;
    /** The partitions this node is taking over or acts for (1), read on any thread. */
    private final AtomicIntegerArray holding;
    /** The partitions whose work was started: the ticker's alone. */
    private final boolean[] started;

    private volatile boolean connected = true;
    private volatile boolean rejoin;
    private volatile List<String> members = List.of();
    private volatile List<String> leaders;
    private long membersReadAt;
    private PartitionWork work;
    private ScheduledExecutorService ticker;
    /** What the last failed take-over said, so that one failing alike every tick is logged once. */
    private String takeOverProblem;

    public ClusterNode(ClusterOptions options, PartitionEpochs epochs) {
        this.options = options;
        this.partitioning = new Partitioning(options.partitions());
        this.epochs = epochs;
        this.views = new CamelClusterView[options.partitions()];
        this.acting = new AtomicReferenceArray<>(options.partitions());
        this.holding = new AtomicIntegerArray(options.partitions());
        this.started = new boolean[options.partitions()];
        this.leaders = Collections.nCopies(options.partitions(), null);
    }

    /**
     * Joins the cluster service of the options (added to the context as a Camel service) once it can be reached, and
     * the election of every partition.
     *
     * @throws ClusterUnreachableException when ZooKeeper cannot be reached within the session timeout
     */
    @Override
    public void start(CamelContext camel, PartitionWork work) throws Exception {
        this.camel = camel;
        this.work = work;
        if (options.service() == ClusterOptions.Service.ZOOKEEPER) {
            int sessionMillis = (int) options.sessionTimeout().toMillis();
            curator = CuratorFrameworkFactory.builder()
                    .connectString(options.zookeeper())
                    .sessionTimeoutMs(sessionMillis)
                    .connectionTimeoutMs(Math.min(sessionMillis, 15_000))
                    .retryPolicy(new ExponentialBackoffRetry(500, 3))
                    .build();
            curator.start();
            if (!curator.blockUntilConnected(sessionMillis, TimeUnit.MILLISECONDS)) {
                curator.close();
                curator = null;
                throw new ClusterUnreachableException(
                        "ZooKeeper " + options.zookeeper() + " (ucsync.cluster.zookeeper) cannot be"
                                + " reached within " + sessionMillis + " ms (fix: start it, or correct the address)");
            }
            curator.getConnectionStateListenable().addListener((client, state) -> onConnectionState(state));
            ZooKeeperCuratorConfiguration configuration = new ZooKeeperCuratorConfiguration();
            configuration.setCuratorFramework(curator);
            configuration.setBasePath(BASE_PATH);
            ZooKeeperClusterService zookeeper = new ZooKeeperClusterService(configuration);
            zookeeper.setId(options.nodeId());
            service = zookeeper;
        } else {
            FileLockClusterService files = new FileLockClusterService();
            files.setId(options.nodeId());
            files.setRoot(options.fileRoot().toString());
            files.setAcquireLockDelay(1, TimeUnit.SECONDS);
            files.setAcquireLockInterval(1, TimeUnit.SECONDS);
            files.setHeartbeatTimeoutMultiplier(3);
            service = files;
        }
        camel.addService(service, true, true);
        for (int partition = 0; partition < views.length; partition++) {
            views[partition] = service.getView(namespace(partition));
        }
        ticker = camel.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "cluster-ownership");
        ticker.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("cluster node {}: {} partitions, elections on {}", options.nodeId(), views.length, describeService());
    }

    static String namespace(int partition) {
        return "partition-" + partition;
    }

    private String describeService() {
        return curator != null
                ? "ZooKeeper " + options.zookeeper() + " (session "
                        + options.sessionTimeout().toMillis() + " ms)"
                : "lock files in " + options.fileRoot() + " (one host: partitions do not spread)";
    }

    /** On Curator's thread: a suspended connection may already be a lost session, so act for nothing from now. */
    private void onConnectionState(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            boolean wasConnected = connected;
            connected = false;
            List<Integer> stopped = new ArrayList<>();
            for (int partition = 0; partition < views.length; partition++) {
                if (acting.getAndSet(partition, null) != null) {
                    stopped.add(partition);
                }
            }
            if (wasConnected) {
                LOG.warn(
                        "cluster node {}: ZooKeeper connection {}: acting for no partition until it is back{}",
                        options.nodeId(),
                        state.name().toLowerCase(),
                        stopped.isEmpty() ? "" : " (stopped acting for " + stopped + ")");
            }
        } else if (state == ConnectionState.RECONNECTED || state == ConnectionState.CONNECTED) {
            if (!connected) {
                LOG.info(
                        "cluster node {}: ZooKeeper connection back: joining every partition's election again",
                        options.nodeId());
                rejoin = true;
                connected = true;
            }
        }
    }

    /** On the ticker: bring what this node does in line with what it leads, one step at a time. */
    private void tick() {
        try {
            if (rejoin) {
                rejoin = false;
                for (int partition = 0; partition < views.length; partition++) {
                    stopWork(partition, "ZooKeeper connection lost");
                    stepBack(partition);
                }
            }
            List<String> assignment = readMembers();
            for (int partition = 0; partition < views.length; partition++) {
                boolean leads = connected && views[partition].getLocalMember().isLeader();
                if (!leads) {
                    stopWork(partition, connected ? "another node leads it now" : "ZooKeeper connection lost");
                    continue;
                }
                String preferred = assignment.isEmpty() ? options.nodeId() : assignment.get(partition);
                if (!preferred.equals(options.nodeId()) && queued(partition, preferred)) {
                    handOver(partition, preferred);
                } else if (holding.get(partition) == 0) {
                    takeOver(partition);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster node {}: {}", options.nodeId(), e.toString());
        }
    }

    /** The members and each partition's leader, read from the elections now and then; the preferred owners. */
    private List<String> readMembers() {
        long now = System.nanoTime();
        if (connected && now - membersReadAt > TimeUnit.MILLISECONDS.toNanos(MEMBERS_EVERY_MILLIS)) {
            membersReadAt = now;
            Set<String> live = new TreeSet<>();
            List<String> leading = new ArrayList<>(Collections.nCopies(views.length, null));
            for (int partition = 0; partition < views.length; partition++) {
                for (CamelClusterMember member : views[partition].getMembers()) {
                    live.add(member.getId());
                    if (member.isLeader()) {
                        leading.set(partition, member.getId());
                    }
                }
                if (views[partition].getLocalMember().isLeader()) {
                    leading.set(partition, options.nodeId());
                }
            }
            List<String> before = members;
            members = List.copyOf(live);
            leaders = Collections.unmodifiableList(leading);
            if (!before.equals(members) && !members.isEmpty()) {
                LOG.info("cluster node {}: nodes in the cluster: {}", options.nodeId(), members);
            }
        }
        return members.contains(options.nodeId()) ? PartitionAssignment.assign(views.length, members) : List.of();
    }

    private boolean queued(int partition, String node) {
        return views[partition].getMembers().stream()
                .anyMatch(member -> member.getId().equals(node));
    }

    private void takeOver(int partition) {
        holding.set(partition, 1);
        Fence fence;
        try {
            fence = epochs.raise(partition, options.nodeId());
            work.load(partition);
        } catch (Exception e) {
            holding.set(partition, 0); // tried again on the next tick, while this node still leads
            String problem = "cannot take partition " + partition + " over: " + e.getMessage();
            if (!problem.equals(takeOverProblem)) {
                LOG.warn("cluster node {}: {}", options.nodeId(), problem);
                takeOverProblem = problem;
            }
            return;
        }
        takeOverProblem = null;
        if (!connected || !views[partition].getLocalMember().isLeader()) {
            stopWork(partition, "lost while taking it over");
            return;
        }
        acting.set(partition, fence);
        if (!connected) {
            // the connection was suspended between the check and now: its listener cleared nothing yet to clear
            stopWork(partition, "ZooKeeper connection lost while taking it over");
            return;
        }
        started[partition] = true;
        try {
            work.start(partition);
        } catch (Exception e) {
            LOG.warn("cluster node {}: partition {}: {}", options.nodeId(), partition, e.getMessage());
        }
        LOG.info("cluster node {}: took partition {} over (epoch {})", options.nodeId(), partition, fence.epoch());
    }

    /**
     * Gives a partition to the node that should own it: stops taking changes for it, waits for the answers to what
     * was sent (at most {@link ClusterOptions#requestSendLimit}), ends its work, and steps back in its election, which
     * makes the next node in line its leader.
     */
    private void handOver(int partition, String to) {
        if (holding.get(partition) == 1) {
            acting.set(partition, null);
            // no longer than a request decided before may still be sent: past it none can reach the T-Server after
            // the next owner's first
            long deadline = System.nanoTime() + options.requestSendLimit().toNanos();
            while (started[partition] && work.awaitingAnswers(partition) && System.nanoTime() - deadline < 0) {
                pause(10);
            }
            stopWork(partition, "handed over to " + to);
        }
        stepBack(partition);
    }

    private void stopWork(int partition, String why) {
        acting.set(partition, null);
        if (started[partition]) {
            started[partition] = false;
            work.stop(partition);
            LOG.info("cluster node {}: no longer acts for partition {}: {}", options.nodeId(), partition, why);
        }
        holding.set(partition, 0);
    }

    /**
     * Leaves the partition's election and joins it again at the back of the line. Curator ignores a new join while the
     * old leadership is still being let go of, so this waits for that first.
     */
    private void stepBack(int partition) {
        String namespace = namespace(partition);
        try {
            service.stopView(namespace);
            long deadline = System.nanoTime() + LET_GO_WAIT.toNanos();
            while (views[partition].getLocalMember().isLeader() && System.nanoTime() - deadline < 0) {
                pause(5);
            }
            service.startView(namespace);
        } catch (Exception e) {
            LOG.warn(
                    "cluster node {}: partition {}: cannot join its election again: {}",
                    options.nodeId(),
                    partition,
                    e.getMessage());
            rejoin = true;
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Partitioning partitioning() {
        return partitioning;
    }

    @Override
    public String nodeId() {
        return options.nodeId();
    }

    @Override
    public Optional<Fence> fenceFor(String sipUri) {
        return Optional.ofNullable(acting.get(partitioning.of(sipUri)));
    }

    @Override
    public boolean holds(String sipUri) {
        int partition = partitioning.of(sipUri);
        return holding.get(partition) == 1;
    }

    @Override
    public Set<Integer> acting() {
        Set<Integer> partitions = new TreeSet<>();
        for (int partition = 0; partition < views.length; partition++) {
            if (acting.get(partition) != null) {
                partitions.add(partition);
            }
        }
        return partitions;
    }

    @Override
    public Optional<String> ownerOf(int partition) {
        return acting.get(partition) != null
                ? Optional.of(options.nodeId())
                : Optional.ofNullable(leaders.get(partition));
    }

    @Override
    public List<String> members() {
        return members;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public Optional<String> service() {
        return Optional.of(describeService());
    }

    @Override
    public void close() {
        if (ticker != null) {
            camel.getExecutorServiceManager().shutdownGraceful(ticker);
        }
        for (int partition = 0; partition < views.length; partition++) {
            acting.set(partition, null);
            if (started[partition]) {
                started[partition] = false;
                work.stop(partition);
            }
        }
        if (service != null) {
            try {
                camel.removeService(service);
                service.stop();
            } catch (Exception e) {
                LOG.debug("cluster service stopped with {}", e.toString());
            }
        }
        if (curator != null) {
            curator.close();
        }
    }
}
