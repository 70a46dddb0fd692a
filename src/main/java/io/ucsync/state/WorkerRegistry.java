package io.ucsync.state;

import io.ucsync.engine.WorkerFacts;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every worker's facts, changed one worker at a time in order and different workers in parallel.
 * <p>
 * A node changes only the workers of the partitions it acts for ({@link Fences}): a change of any other worker is
 * refused ({@link NotOwnerException}), and their facts here are a copy of the store's that the owner's changes refresh
 * ({@link #refresh}), for the pages and the API.
 * <p>
 * Workers are spread over a fixed number of single-threaded lanes by their SIP URI, so one worker's
 * changes never overtake each other while no worker costs a thread of its own. A change is saved to the
 * store before its stage completes: whatever acts on the new facts acts on facts that survive a kill -9. Only a
 * change that nothing acts on, of facts that the UC side and the T-Server tell again after a restart, is saved a
 * moment later ({@link WorkerStore#saveSoon}); the next change of that worker that is acted on saves it too. While the
 * store cannot be reached, a change waits on its lane until it is saved, and the changes behind it on that lane wait
 * with it: nothing is lost, and nothing acts on a change that is not saved.
 * <p>
 * The lanes run from {@link #start} (in ucsync, once its CamelContext has started, on the context's threads) to
 * {@link #close}; the facts can be read before.
 */
public final class WorkerRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

    private final WorkerStore store;
    private final Fences fences;
    private final Clock clock;
    private final Map<String, WorkerFacts> facts;
    private final int laneCount;
    /** Empty until started. */
    private volatile List<ExecutorService> lanes = List.of();

    private StateThreads threads;
    private volatile Consumer<String> changeListener = sipUri -> {};

    /** Reads every worker's facts from the store; the lanes run once {@link #start}ed. */
    public WorkerRegistry(WorkerStore store, Fences fences, int laneCount, Clock clock) throws SQLException {
        this.store = store;
        this.fences = fences;
        this.clock = clock;
        this.facts = new ConcurrentHashMap<>(store.loadAll());
        this.laneCount = laneCount;
    }

    /** Starts the lanes, on threads named {@code worker-lane-N} from {@code threads}. */
    public synchronized void start(StateThreads threads) {
        if (this.threads != null) {
            throw new IllegalStateException("the worker lanes run already");
        }
        List<ExecutorService> started = new ArrayList<>();
        for (int i = 0; i < laneCount; i++) {
            started.add(threads.newSingleThreadExecutor("worker-lane-" + i));
        }
        this.threads = threads;
        this.lanes = List.copyOf(started);
    }

    /** The worker's facts now (facts with nothing known for a worker never seen). */
    public WorkerFacts facts(String sipUri) {
        return facts.getOrDefault(sipUri, WorkerFacts.NONE);
    }

    /** Told the SIP URI of every worker whose facts changed, once they are saved (on the worker's lane: keep it short). */
    public void setChangeListener(Consumer<String> listener) {
        this.changeListener = listener;
    }

    /**
     * A new value of a worker's facts, and what the caller decided alongside it on the worker's lane.
     *
     * @param auditCause the cause to audit a change of the reported agent state with, instead of the one
     *                   {@link #decide} was given; null for that one
     * @param auditNote  something to put in the worker's audit log even though the agent state stays (a request that
     *                   could not be sent, say); null for nothing
     * @param actsOnNothing whether the caller acts on nothing with the result: then facts that the UC side and the
     *                   T-Server tell again after a restart may be saved a moment after the stage completes
     *                   ({@link WorkerStore#saveSoon})
     */
    public record Decision<R>(WorkerFacts facts, R result, String auditCause, String auditNote, boolean actsOnNothing) {
        public Decision(WorkerFacts facts, R result) {
            this(facts, result, null, null, false);
        }

        public Decision<R> auditedAs(String cause) {
            return new Decision<>(facts, result, cause, auditNote, actsOnNothing);
        }

        public Decision<R> withAuditNote(String note) {
            return new Decision<>(facts, result, auditCause, note, actsOnNothing);
        }

        public Decision<R> actingOnNothing() {
            return new Decision<>(facts, result, auditCause, auditNote, true);
        }
    }

    /**
     * Changes one worker's facts, in order with that worker's other changes; completes with the new facts once saved.
     * A change of the reported agent state is written to the audit log with {@code cause}.
     */
    public CompletionStage<WorkerFacts> update(String sipUri, UnaryOperator<WorkerFacts> change, String cause) {
        return decide(sipUri, cause, before -> {
            WorkerFacts after = change.apply(before);
            return new Decision<>(after, after);
        });
    }

    /**
     * Like {@link #update}, for a caller that must decide something from the facts on the worker's lane, where no
     * other change of that worker can come between: the decision's facts are saved (and audited) before the
     * stage completes with its result.
     */
    public <R> CompletionStage<R> decide(String sipUri, String cause, Function<WorkerFacts, Decision<R>> decision) {
        CompletableFuture<R> result = new CompletableFuture<>();
        laneOf(sipUri).execute(() -> {
            try {
                Fence fence = fences.fenceFor(sipUri)
                        .orElseThrow(() -> new NotOwnerException(sipUri + ": not owned by this node"));
                WorkerFacts before = facts(sipUri);
                Decision<R> decided = decision.apply(before);
                WorkerFacts after = decided.facts();
                AuditEntry audit = null;
                if (!Objects.equals(before.reportedAgentState(), after.reportedAgentState())) {
                    audit = new AuditEntry(
                            sipUri,
                            clock.instant(),
                            before.reportedAgentState() + " -> " + after.reportedAgentState(),
                            decided.auditCause() != null ? decided.auditCause() : cause);
                } else if (decided.auditNote() != null) {
                    audit = new AuditEntry(
                            sipUri, clock.instant(), after.reportedAgentState() + " (unchanged)", decided.auditNote());
                }
                if (!after.equals(before) || audit != null) {
                    if (decided.actsOnNothing()
                            && decided.auditNote() == null
                            && after.differsOnlyInRetoldFacts(before)) {
                        store.saveSoon(sipUri, after, audit, fence);
                    } else {
                        store.write(sipUri, after, audit, fence);
                    }
                    if (audit != null) {
                        LOG.info("{} agent state {} ({})", sipUri, audit.change(), audit.cause());
                    }
                    facts.put(sipUri, after);
                    changeListener.accept(sipUri);
                } else if (!decided.actsOnNothing()) {
                    store.confirmOwner(sipUri, fence);
                }
                result.complete(decided.result());
            } catch (NotOwnerException e) {
                LOG.debug("{}: change not applied ({}): {}", sipUri, cause, e.getMessage());
                result.completeExceptionally(e);
            } catch (SQLException | RuntimeException e) {
                LOG.error("{}: change not applied ({}): {}", sipUri, cause, e.getMessage());
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * The facts of workers this node is taking over, as the store has them once the partition is fenced (no other node
     * can change them any more); completes once every change already waiting on their lanes is behind them.
     */
    public CompletableFuture<Void> takeOver(Map<String, WorkerFacts> saved, Collection<String> sipUris) {
        List<CompletableFuture<Void>> placed = new ArrayList<>();
        for (String sipUri : sipUris) {
            WorkerFacts loaded = saved.getOrDefault(sipUri, WorkerFacts.NONE);
            placed.add(CompletableFuture.runAsync(() -> replace(sipUri, loaded), laneOf(sipUri)));
        }
        return CompletableFuture.allOf(placed.toArray(CompletableFuture[]::new));
    }

    /**
     * The facts of workers another node owns, as that node saved them: kept for the pages and the API. A worker this
     * node holds keeps its own facts (the store's copy can only be as new, or older when it was read before a change).
     * Completes once they are in place.
     */
    public CompletableFuture<Void> refresh(Map<String, WorkerFacts> saved) {
        List<CompletableFuture<Void>> placed = new ArrayList<>();
        saved.forEach((sipUri, loaded) -> placed.add(CompletableFuture.runAsync(
                () -> {
                    if (!fences.holds(sipUri)) {
                        replace(sipUri, loaded);
                    }
                },
                laneOf(sipUri))));
        return CompletableFuture.allOf(placed.toArray(CompletableFuture[]::new));
    }

    /**
     * Runs something on the worker's lane, in order with the worker's changes, that changes no facts (what a caller
     * keeps per worker beside them); allowed whoever owns the worker.
     */
    public CompletableFuture<Void> onLane(String sipUri, Runnable work) {
        return CompletableFuture.runAsync(work, laneOf(sipUri));
    }

    /** On the worker's lane. */
    private void replace(String sipUri, WorkerFacts loaded) {
        if (!loaded.equals(facts.put(sipUri, loaded))) {
            changeListener.accept(sipUri);
        }
    }

    private ExecutorService laneOf(String sipUri) {
        List<ExecutorService> running = lanes;
        if (running.isEmpty()) {
            throw new IllegalStateException("the worker lanes have not started");
        }
        return running.get(Math.floorMod(sipUri.hashCode(), running.size()));
    }

    /** Whether changes are waiting for the store to be reachable again (they complete once it is and they are saved). */
    public boolean isWaitingForStore() {
        return store.isWaitingForDatabase();
    }

    public List<AuditEntry> auditFor(String sipUri, int limit) throws SQLException {
        return store.auditFor(sipUri, limit);
    }

    /**
     * Finishes the changes already accepted, then stops the lanes (one still busy after 10 s is interrupted: a change
     * waiting for an unreachable store then fails as not saved, and nothing acts on it).
     */
    @Override
    public synchronized void close() {
        if (threads == null) {
            return;
        }
        for (ExecutorService lane : lanes) {
            threads.shutdownGraceful(lane, 10_000);
        }
    }
}
