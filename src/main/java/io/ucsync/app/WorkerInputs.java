package io.ucsync.app;

import io.ucsync.cluster.PartitionOwnership;
import io.ucsync.engine.Command;
import io.ucsync.engine.SyncEngine;
import io.ucsync.http.RequestRefused;
import io.ucsync.state.WorkerInbox;
import io.ucsync.state.WorkerInbox.WaitingInput;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's own choices (contact-center DND, a declined preview, signing in to or out of the KW page) take effect on
 * the node that owns the worker: at once when that is this node; otherwise they wait in the state store's inbox for
 * the owner, which applies them as its own ({@link #applyWaiting}), and this node answers once it has. Any node of a
 * cluster can so serve the KW page and the API for every worker.
 */
public final class WorkerInputs {

    /** What a choice is, as the inbox keeps it. */
    private enum Kind {
        CONTACT_CENTER_DND,
        PREVIEW_DECLINED,
        SIGNED_IN,
        SIGNED_OUT
    }

    /** Where signing in and out takes effect besides the engine: the worker's subscription (on the owner). */
    interface Subscriptions {
        void watch(String worker);

        void unwatch(String worker);
    }

    private static final Logger LOG = LoggerFactory.getLogger(WorkerInputs.class);
    /** How long a request waits for the owner to apply a choice before it is answered with the state as it is. */
    private static final Duration OWNER_WAIT = Duration.ofSeconds(5);

    private static final long POLL_MILLIS = 20;

    private final SyncEngine engine;
    private final PartitionOwnership ownership;
    private final WorkerInbox inbox;
    private final Clock clock;
    private final boolean subscribeWhileSignedIn;
    private final Subscriptions subscriptions;
    /** Sends the commands of a choice applied from the inbox (the routes' direct:commands). */
    private final Consumer<List<Command>> commands;
    /** Reads the worker's facts again from the store once the owner applied a choice, for the answer. */
    private final Consumer<String> reread;

    WorkerInputs(
            SyncEngine engine,
            PartitionOwnership ownership,
            WorkerInbox inbox,
            Clock clock,
            boolean subscribeWhileSignedIn,
            Subscriptions subscriptions,
            Consumer<List<Command>> commands,
            Consumer<String> reread) {
        this.engine = engine;
        this.ownership = ownership;
        this.inbox = inbox;
        this.clock = clock;
        this.subscribeWhileSignedIn = subscribeWhileSignedIn;
        this.subscriptions = subscriptions;
        this.commands = commands;
        this.reread = reread;
    }

    /** The worker's contact-center DND, switched in the KW page: the commands to send when this node owns them. */
    public List<Command> setContactCenterDnd(String worker, boolean on) {
        return apply(worker, Kind.CONTACT_CENTER_DND, String.valueOf(on), true);
    }

    /** The worker declined the preview offered: the commands to send when this node owns them. */
    public List<Command> declinePreview(String worker) {
        return apply(worker, Kind.PREVIEW_DECLINED, null, true);
    }

    /** The worker signed in to the KW page (a first session); not waited for (the answer shows nothing of it). */
    void signedIn(String worker) {
        commands.accept(apply(worker, Kind.SIGNED_IN, null, false));
    }

    /** The worker has no KW-page session any more (signed out, or left idle); not waited for. */
    void signedOut(String worker, String cause) {
        commands.accept(apply(worker, Kind.SIGNED_OUT, cause, false));
    }

    /** @param awaitOwner whether the caller answers with the worker's state, which must show the choice */
    private List<Command> apply(String worker, Kind kind, String detail, boolean awaitOwner) {
        Instant madeAt = clock.instant();
        if (ownership.fenceFor(worker).isPresent()) {
            return applyHere(worker, kind, detail, madeAt);
        }
        long id;
        try {
            id = inbox.submit(ownership.partitioning().of(worker), worker, kind.name(), detail, madeAt);
        } catch (SQLException e) {
            throw RequestRefused.storeUnavailable("not passed on to the worker's owner", e);
        }
        if (awaitOwner) {
            awaitApplied(worker, id);
        }
        return List.of();
    }

    private List<Command> applyHere(String worker, Kind kind, String detail, Instant madeAt) {
        return switch (kind) {
            case CONTACT_CENTER_DND -> engine.setContactCenterDnd(worker, Boolean.parseBoolean(detail));
            case PREVIEW_DECLINED -> engine.declinePreview(worker, madeAt);
            case SIGNED_IN -> {
                if (subscribeWhileSignedIn) {
                    subscriptions.watch(worker);
                }
                yield List.of();
            }
            case SIGNED_OUT -> {
                if (!subscribeWhileSignedIn) {
                    yield List.of();
                }
                subscriptions.unwatch(worker);
                yield engine.signedOut(worker, detail);
            }
        };
    }

    /** Waits, briefly, for the owner to apply the input, and then reads the worker's facts as the owner saved them. */
    private void awaitApplied(String worker, long id) {
        long deadline = System.nanoTime() + OWNER_WAIT.toNanos();
        try {
            while (inbox.isWaiting(id)) {
                if (System.nanoTime() - deadline > 0) {
                    LOG.warn(
                            "{}: the owner of partition {} has not applied the change within {}; it applies it when it can",
                            worker,
                            ownership.partitioning().of(worker),
                            OWNER_WAIT);
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            }
            reread.accept(worker);
        } catch (SQLException e) {
            LOG.debug("{}: whether the owner applied the change is not known: {}", worker, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On the owner: applies the partition's waiting inputs, oldest first, and sends their commands. An input applied
     * and not yet deleted when this node stops is applied again by the next owner, with the same result.
     */
    void applyWaiting(int partition) {
        try {
            for (WaitingInput input : inbox.waiting(partition)) {
                if (ownership.fenceFor(input.sipUri()).isEmpty()) {
                    return; // no longer the owner: the next one applies them
                }
                commands.accept(applyHere(input.sipUri(), Kind.valueOf(input.kind()), input.detail(), input.madeAt()));
                inbox.applied(input.id());
            }
        } catch (SQLException e) {
            LOG.warn(
                    "inputs waiting for partition {} not applied yet (applied when the store answers again): {}",
                    partition,
                    e.getMessage());
        }
    }
}
