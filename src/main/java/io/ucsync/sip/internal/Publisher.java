package io.ucsync.sip.internal;

import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import io.ucsync.sip.PresencePublication;
import io.ucsync.sip.PublicationResult;
import io.ucsync.sip.SipRequestFailedException;

/**
 * Publishes ucsync's presence for workers. One publication per worker is in flight at a time: each worker's
 * requests are chained, so an ETag or a category version is never used by two requests at once. Runs on the
 * agent thread.
 */
public abstract class Publisher {

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

    protected Publisher(Requests requests, Transactions transactions, ScheduledExecutorService agent) {
        this.requests = requests;
        this.transactions = transactions;
        this.agent = agent;
    }

    /** Publishes or removes, after any earlier publication for the same worker has been answered. */
    public final CompletableFuture<PublicationResult> publish(PresencePublication publication) {
        return serialize(Subscriptions.key(publication.sipUri()), () -> send(publication));
    }

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
            CompletableFuture<T> next = previous.handle((r, e) -> null).thenComposeAsync(ignored -> {
                try {
                    return step.get();
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }, agent);
            tails.put(worker, next);
            next.whenCompleteAsync((value, error) -> {
                tails.remove(worker, next);
                if (error != null) {
                    result.completeExceptionally(error instanceof CompletionException
                            && error.getCause() != null ? error.getCause() : error);
                } else {
                    result.complete(value);
                }
            }, agent);
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
