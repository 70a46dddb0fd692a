package io.ucsync.app;

import io.ucsync.cluster.PartitionWork;
import io.ucsync.config.Roster;
import io.ucsync.config.RosterEntry;
import io.ucsync.engine.Command;
import io.ucsync.engine.SyncEngine;
import io.ucsync.http.HttpSessions;
import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.sip.SipPresenceComponent;
import io.ucsync.state.Partitioning;
import io.ucsync.state.WorkerRegistry;
import io.ucsync.state.WorkerStore;
import io.ucsync.timers.DurableTimers;
import io.ucsync.tlib.TlibComponent;
import io.ucsync.tlib.link.TServerLink;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node does for the partitions it owns: their workers' facts read from the store, their DNs registered with
 * their T-Servers, their presence subscribed on their UC pools, their timers run, the inputs other nodes left for them
 * applied; and all of it ended when the partition goes. A node alone owns the one partition, from its start.
 */
final class OwnedPartitions implements PartitionWork {

    private static final Logger LOG = LoggerFactory.getLogger(OwnedPartitions.class);
    private static final long LOAD_TIMEOUT_SECONDS = 60;

    private final CamelContext camel;
    private final SyncEngine engine;
    private final Partitioning partitioning;
    private final WorkerStore store;
    private final WorkerRegistry registry;
    private final DurableTimers timers;
    private final HttpSessions sessions;
    private final WorkerInputs inputs;
    private final List<String> pools;
    private final boolean subscribeWhileSignedIn;
    private final Consumer<List<Command>> commands;
    /** The partitions whose workers this node watches and registers now. */
    private final Set<Integer> started = ConcurrentHashMap.newKeySet();
    /** The workers of the engine's roster by partition, split when the roster changes. */
    private volatile RosterSplit rosterSplit;

    OwnedPartitions(
            CamelContext camel,
            SyncEngine engine,
            Partitioning partitioning,
            WorkerStore store,
            WorkerRegistry registry,
            DurableTimers timers,
            HttpSessions sessions,
            WorkerInputs inputs,
            List<String> pools,
            boolean subscribeWhileSignedIn,
            Consumer<List<Command>> commands) {
        this.camel = camel;
        this.engine = engine;
        this.partitioning = partitioning;
        this.store = store;
        this.registry = registry;
        this.timers = timers;
        this.sessions = sessions;
        this.inputs = inputs;
        this.pools = pools;
        this.subscribeWhileSignedIn = subscribeWhileSignedIn;
        this.commands = commands;
    }

    /**
     * The roster's workers of the partition, split once per roster: a hand-over asks every 10 ms whether its workers
     * still await answers, and hashing every worker's URI each time is what a roster of 100,000 cannot afford.
     */
    private List<RosterEntry> workersOf(int partition) {
        RosterSplit split = rosterSplit;
        Roster roster = engine.roster();
        if (split == null || split.roster() != roster) {
            split = RosterSplit.of(roster, partitioning);
            rosterSplit = split; // two threads that split the same roster at once make equal splits
        }
        return split.byPartition().get(partition);
    }

    /** A roster's workers by partition. */
    private record RosterSplit(Roster roster, List<List<RosterEntry>> byPartition) {
        static RosterSplit of(Roster roster, Partitioning partitioning) {
            List<List<RosterEntry>> split = new ArrayList<>();
            for (int partition = 0; partition < partitioning.count(); partition++) {
                split.add(new ArrayList<>());
            }
            for (RosterEntry worker : roster.entries()) {
                split.get(partitioning.of(worker.sipUri())).add(worker);
            }
            return new RosterSplit(roster, split.stream().map(List::copyOf).toList());
        }
    }

    @Override
    public void load(int partition) throws Exception {
        List<RosterEntry> workers = workersOf(partition);
        List<String> sipUris = workers.stream().map(RosterEntry::sipUri).toList();
        registry.takeOver(store.load(sipUris), sipUris).get(LOAD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        engine.awaitReports(workers);
    }

    @Override
    public synchronized void start(int partition) throws Exception {
        List<RosterEntry> workers = workersOf(partition);
        timers.start(partition);
        engine.rearmTimers(workers);
        started.add(partition);
        Set<String> signedIn = subscribeWhileSignedIn ? sessions.principals() : Set.of();
        watch(workers, signedIn);
        register(workers);
        if (subscribeWhileSignedIn) {
            // a worker without a session (it expired while no node owned them, or was lost) is signed out like one
            // whose
            // session expired; one who was signed out already is left as they are
            workers.stream()
                    .map(RosterEntry::sipUri)
                    .filter(worker -> !signedIn.contains(worker))
                    .forEach(
                            worker -> commands.accept(
                                    engine.signedOut(
                                            worker,
                                            "no KW-page session when this node took the worker on (at its start, or from another node)")));
        }
        inputs.applyWaiting(partition);
        LOG.debug("partition {}: {} workers", partition, workers.size());
    }

    @Override
    public synchronized void stop(int partition) {
        started.remove(partition);
        List<RosterEntry> workers = workersOf(partition);
        timers.stop(partition);
        for (String pool : pools) {
            agentOf(pool)
                    .unwatch(workers.stream()
                            .filter(worker -> worker.poolOrDefault().equals(pool))
                            .map(RosterEntry::sipUri)
                            .toList());
        }
        for (RosterEntry worker : workers) {
            TServerLink link = linkOf(worker);
            if (link != null) {
                link.unregister(worker.dn());
            }
        }
        engine.forget(workers);
    }

    @Override
    public boolean awaitingAnswers(int partition) {
        return engine.awaitingAnswers(workersOf(partition));
    }

    /**
     * A new roster (already the engine's): the workers of the partitions this node owns are watched as it lists them;
     * those new to it are registered, and not acted on until their T-Server has reported them.
     */
    synchronized void rosterChanged(Roster before) throws SQLException {
        List<RosterEntry> owned = engine.roster().entries().stream()
                .filter(worker -> started.contains(partitioning.of(worker.sipUri())))
                .toList();
        List<RosterEntry> added = owned.stream()
                .filter(worker -> before.bySipUri(worker.sipUri()).isEmpty())
                .toList();
        engine.awaitReports(added);
        Set<String> signedIn = subscribeWhileSignedIn ? sessions.principals() : Set.of();
        for (String pool : pools) {
            agentOf(pool)
                    .setWatched(owned.stream()
                            .filter(worker -> worker.poolOrDefault().equals(pool))
                            .map(RosterEntry::sipUri)
                            .filter(worker -> !subscribeWhileSignedIn || signedIn.contains(worker))
                            .toList());
        }
        register(added);
    }

    /** Registers the workers' DNs with their T-Servers, each of which then reports the DN's state. */
    private void register(List<RosterEntry> workers) {
        for (RosterEntry worker : workers) {
            TServerLink link = linkOf(worker);
            if (link != null) {
                link.register(worker.dn());
            }
        }
    }

    private void watch(List<RosterEntry> workers, Set<String> signedIn) {
        for (String pool : pools) {
            agentOf(pool)
                    .watch(workers.stream()
                            .filter(worker -> worker.poolOrDefault().equals(pool))
                            .map(RosterEntry::sipUri)
                            .filter(worker -> !subscribeWhileSignedIn || signedIn.contains(worker))
                            .toList());
        }
    }

    private TServerLink linkOf(RosterEntry worker) {
        return camel.getComponent("tlib", TlibComponent.class).link(worker.tserver());
    }

    SipPresenceAgent agentOf(String pool) {
        return camel.getComponent("sip-presence", SipPresenceComponent.class).agent(pool);
    }
}
