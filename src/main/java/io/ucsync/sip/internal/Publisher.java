package io.ucsync.sip.internal;

import io.ucsync.concurrent.Completions;
import io.ucsync.sip.PresencePublication;
import io.ucsync.sip.PublicationResult;
import io.ucsync.sip.SipRequestFailedException;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes ucsync's presence for workers. One publication per worker is in flight at a time: each worker's
 * requests are chained, so an ETag or a category version is never used by two requests at once. Runs on the
 * agent thread.
 * <p>
 * The publisher holds what it was last asked to publish for each worker (a removal drops it), so that when the
 * front-end server in use fails it can publish everything again on the next one ({@link #suspend}, {@link #resume}).
 * While no server answers a publication is only held, and completes as {@link #HELD}.
 */
public abstract class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

    /** The result of a publication made while no server of the front end answers: kept and sent when one does. */
    public static final PublicationResult HELD =
            new PublicationResult(0, "held until a server of the front end answers", null);

    /** A worker's out-of-dialog request sequence: one Call-ID, increasing CSeqs. */
    protected static final class Sequence {
        private final String callId;
        private long cseq;

        protected Sequence(String callId) {
            this.callId = callId;
        }

        protected long next() {
            return ++cseq;
        }

        protected void used(Response response) {
            cseq = Math.max(cseq, ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber());
        }
    }

    protected final Requests requests;
    protected final Transactions transactions;
    protected final ScheduledExecutorService agent;
    private final Map<String, CompletableFuture<?>> tails = new HashMap<>();
    /** Per worker, the publication last asked for (not removals); written on the agent thread. */
    private final Map<String, PresencePublication> held = new ConcurrentHashMap<>();

    private boolean suspended;

    protected Publisher(Requests requests, Transactions transactions, ScheduledExecutorService agent) {
        this.requests = requests;
        this.transactions = transactions;
        this.agent = agent;
    }

    /**
     * Publishes or removes, after any earlier publication for the same worker has been answered. A publication
     * made while no server answers, or that failed with its server (no answer, cannot be sent, 503: the agent then
     * leaves that server), completes as {@link #HELD}.
     */
    public final CompletableFuture<PublicationResult> publish(PresencePublication publication) {
        String worker = Subscriptions.key(publication.sipUri());
        CompletableFuture<PublicationResult> sent = serialize(worker, () -> {
            if (publication.remove()) {
                held.remove(worker);
            } else {
                held.put(worker, publication);
            }
            return suspended ? CompletableFuture.completedFuture(HELD) : send(publication);
        });
        return sent.handle((result, error) -> {
            if (Transactions.isServerFailure(error)) {
                return HELD; // the agent leaves the server and publishes it again on the next one
            }
            if (error != null) {
                throw error instanceof CompletionException c ? c : new CompletionException(error);
            }
            return result;
        });
    }

    /** How many publications are held (published, or to publish once a server answers). */
    public int heldCount() {
        return held.size();
    }

    /** The server in use failed: what it held of ucsync's is forgotten (tags, versions, refreshes); nothing is sent. */
    public final void suspend() {
        suspended = true;
        forgetServerState();
    }

    /** A server answers: everything held is published there afresh (MS-PRES versions from 0, SIMPLE without an ETag). */
    public final void resume() {
        if (!suspended) {
            return;
        }
        suspended = false;
        for (PresencePublication publication : List.copyOf(held.values())) {
            publish(publication)
                    .whenCompleteAsync(
                            (result, error) -> {
                                if (error != null && !suspended) {
                                    LOG.warn(
                                            "publication for {} not made again on the new server: {}",
                                            publication.sipUri(),
                                            Subscriptions.messageOf(error));
                                }
                            },
                            agent);
        }
    }

    /** Drops what only the server that failed knew: ETags, versions, refresh timers. Agent thread. */
    protected abstract void forgetServerState();

    /**
     * The current tag of a worker's publication (SIMPLE: its SIP-ETag; MS-PRES: the next version), or null when
     * none is in place. Any thread; for operators and tests.
     */
    public abstract String tagOf(String worker);

    /** Removes every publication still in place, when the agent stops. */
    public abstract CompletableFuture<Void> withdrawAll();

    /** Sends one publication (agent thread, no other request of the worker in flight). */
    protected abstract CompletableFuture<PublicationResult> send(PresencePublication publication);

    /** Runs {@code step} on the agent thread once the worker's previous step has finished. */
    protected final <T> CompletableFuture<T> serialize(String worker, Supplier<CompletableFuture<T>> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        agent.execute(() -> {
            CompletableFuture<?> previous = tails.getOrDefault(worker, CompletableFuture.completedFuture(null));
            CompletableFuture<T> next = previous.handle((r, e) -> null)
                    .thenComposeAsync(
                            ignored -> {
                                try {
                                    return step.get();
                                } catch (RuntimeException e) {
                                    return CompletableFuture.failedFuture(e);
                                }
                            },
                            agent);
            tails.put(worker, next);
            next.whenCompleteAsync(
                    (value, error) -> {
                        tails.remove(worker, next);
                        if (error != null) {
                            result.completeExceptionally(Completions.failureOf(error));
                        } else {
                            result.complete(value);
                        }
                    },
                    agent);
        });
        return result;
    }

    /** An out-of-dialog request to the worker: Request-URI and To are the worker's URI. */
    protected final Request request(String method, String worker, Sequence sequence)
            throws ParseException, InvalidArgumentException {
        Address to = requests.address(worker);
        return requests.outOfDialog(method, to.getURI(), to, sequence.callId, sequence.next());
    }

    protected static SipRequestFailedException failure(String method, String worker, Response response) {
        return new SipRequestFailedException(method, worker, response.getStatusCode(), response.getReasonPhrase());
    }

    protected static CompletableFuture<PublicationResult> failed(Throwable error) {
        return CompletableFuture.failedFuture(error);
    }
}
