package io.ucsync.engine;

import io.ucsync.config.RosterEntry;
import io.ucsync.state.NotOwnerException;
import io.ucsync.state.WorkerRegistry;
import io.ucsync.state.WorkerRegistry.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the engine's changes on the workers' lanes ({@link WorkerRegistry}) and waits for their commands. Kept apart
 * from the {@link SyncEngine} because how long to wait, and what a change of a worker another node owns gives, are
 * about the lanes and the state store, not about what the engine decides.
 */
final class LaneChanges {

    private static final long LANE_TIMEOUT_SECONDS = 30;

    private final WorkerRegistry registry;
    private final Duration requestSendLimit;

    /** @param requestSendLimit how long a request may still be sent after its decision was saved; null: no limit */
    LaneChanges(WorkerRegistry registry, Duration requestSendLimit) {
        this.registry = registry;
        this.requestSendLimit = requestSendLimit;
    }

    /** The commands of one change on the worker's lane. */
    List<Command> decide(String sipUri, String cause, Function<WorkerFacts, Decision<List<Command>>> decision) {
        return joinOwned(saved(sipUri, cause, decision));
    }

    /**
     * The commands of a decision on the worker's lane, once it is saved. With a send limit each request carries its
     * send-by time, counted from the moment the save confirmed this node's hold on the worker (on the lane as the save
     * completes, or here at once when the lane was quicker than this call): only a pause after that can make it stale.
     */
    private CompletableFuture<List<Command>> saved(
            String sipUri, String cause, Function<WorkerFacts, Decision<List<Command>>> decision) {
        CompletionStage<List<Command>> saved =
                registry.decide(sipUri, cause, current -> marked(decision.apply(current)));
        return (requestSendLimit == null ? saved : saved.thenApply(this::sendableFromNow)).toCompletableFuture();
    }

    private List<Command> sendableFromNow(List<Command> commands) {
        long sendBy = System.nanoTime() + requestSendLimit.toNanos();
        return commands.stream()
                .map(command -> command instanceof TServerRequest request ? request.sendableUntil(sendBy) : command)
                .toList();
    }

    /** A decision without commands acts on nothing: the registry may then save retold facts a moment later. */
    private static Decision<List<Command>> marked(Decision<List<Command>> decision) {
        return decision.result().isEmpty() ? decision.actingOnNothing() : decision;
    }

    /** The commands of a change on each worker's lane, all started before any is waited for. */
    List<Command> decideEach(
            List<RosterEntry> workers,
            String cause,
            BiFunction<RosterEntry, WorkerFacts, Decision<List<Command>>> decision) {
        List<CompletableFuture<List<Command>>> perWorker = new ArrayList<>();
        for (RosterEntry worker : workers) {
            perWorker.add(saved(worker.sipUri(), cause, current -> decision.apply(worker, current)));
        }
        List<Command> commands = new ArrayList<>();
        for (CompletableFuture<List<Command>> worker : perWorker) {
            commands.addAll(joinOwned(worker));
        }
        return commands;
    }

    /** Runs the work on each worker's lane (given the worker's SIP URI) and waits until it has run on all. */
    void onEachLane(List<RosterEntry> workers, Consumer<String> work) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (RosterEntry worker : workers) {
            done.add(registry.onLane(worker.sipUri(), () -> work.accept(worker.sipUri())));
        }
        join(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));
    }

    /**
     * The commands of a change on the worker's lane; none when this node does not own the worker (a late presence or
     * T-Server event after its partition moved to another node, which acts on its own copy of the input).
     */
    private List<Command> joinOwned(CompletableFuture<List<Command>> change) {
        try {
            return join(change);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof NotOwnerException) {
                return List.of();
            }
            throw e;
        }
    }

    /**
     * The result of a change on the worker's lane. A change that waits for an unreachable store is waited for as long
     * as the outage lasts: it is applied (and its commands sent) once it is saved, never dropped half-way.
     */
    private <T> T join(CompletableFuture<T> future) {
        try {
            while (true) {
                try {
                    return future.get(LANE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (!registry.isWaitingForStore()) {
                        throw new IllegalStateException(
                                "a worker's change took longer than " + Duration.ofSeconds(LANE_TIMEOUT_SECONDS), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a worker's change was applied", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "a worker's change failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
