package io.ucsync.tlib.link;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link's requests on their way: each gets a ReferenceID and a timeout, and is completed by the answer carrying
 * that ID (src/main/docs/tlw1.md section 5), by EventError, by its timeout or by the loss of its connection. DN
 * registrations and queries are paced ({@link #sendPaced}). Separate from the link because correlation is the same
 * for every connection and every kind of request, whoever sends it.
 * <p>
 * Confined to the link's event loop: every method runs on it.
 */
final class PendingRequests {

    /** The link's own logger, so that one logger setting covers everything the link says. */
    private static final Logger LOG = LoggerFactory.getLogger(TServerLink.class);

    /**
     * DN registrations and queries in flight at most: thousands sent at once (a start, a resync, a partition taken
     * over) would wait in the T-Server's queue past their timeout, and their retries would make the queue longer.
     */
    static final int MAX_SETUP_REQUESTS_IN_FLIGHT = 256;

    private record PendingRequest(
            TlibMessage request, CompletableFuture<TlibMessage> result, Channel channel, ScheduledFuture<?> timeout) {}

    private final String linkName;
    private final EventLoop loop;
    private final Duration timeout;
    private final Map<Integer, PendingRequest> pending = new HashMap<>();
    private final Deque<Runnable> setupRequestsWaiting = new ArrayDeque<>();
    private int setupRequestsInFlight;
    private int lastReferenceId;

    PendingRequests(String linkName, EventLoop loop, Duration timeout) {
        this.linkName = linkName;
        this.loop = loop;
        this.timeout = timeout;
    }

    /** Requests sent and not yet answered. */
    int size() {
        return pending.size();
    }

    /**
     * Sends a DN registration or query once fewer than {@link #MAX_SETUP_REQUESTS_IN_FLIGHT} are unanswered; its
     * timeout starts when it is sent. Agent requests do not wait behind them ({@link #send}).
     */
    CompletableFuture<TlibMessage> sendPaced(Channel channel, TlibMessage request) {
        CompletableFuture<TlibMessage> result = new CompletableFuture<>();
        setupRequestsWaiting.add(() -> {
            setupRequestsInFlight++;
            send(channel, request).whenComplete((answer, error) -> {
                setupRequestsInFlight--;
                // later, not from here: on a lost connection each fails at once, and would nest the next one's send
                loop.execute(this::sendWaitingSetupRequests);
                complete(result, answer, error);
            });
        });
        sendWaitingSetupRequests();
        return result;
    }

    private void sendWaitingSetupRequests() {
        while (setupRequestsInFlight < MAX_SETUP_REQUESTS_IN_FLIGHT && !setupRequestsWaiting.isEmpty()) {
            setupRequestsWaiting.poll().run();
        }
    }

    /** Sends now, giving the request the next free ReferenceID, and arms its timeout. */
    CompletableFuture<TlibMessage> send(Channel channel, TlibMessage request) {
        CompletableFuture<TlibMessage> result = new CompletableFuture<>();
        if (channel == null || !channel.isActive()) {
            result.completeExceptionally(new LinkDownException(
                    "T-Server link '" + linkName + "' has no connection; " + request.type() + " not sent"));
            return result;
        }
        int referenceId = nextReferenceId();
        request.referenceId(referenceId);
        ScheduledFuture<?> expiry = loop.schedule(
                () -> {
                    PendingRequest expired = pending.remove(referenceId);
                    if (expired != null) {
                        expired.result()
                                .completeExceptionally(
                                        new TServerTimeoutException(request, timeout, HostPort.remoteOf(channel)));
                    }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        pending.put(referenceId, new PendingRequest(request, result, channel, expiry));
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                fail(
                        referenceId,
                        new LinkDownException("T-Server link '" + linkName + "': " + request.type() + " not sent: "
                                + written.cause().getMessage()));
            }
        });
        return result;
    }

    /** Non-zero and unique among the unanswered requests (src/main/docs/tlw1.md section 5). */
    private int nextReferenceId() {
        do {
            lastReferenceId = lastReferenceId == Integer.MAX_VALUE ? 1 : lastReferenceId + 1;
        } while (pending.containsKey(lastReferenceId));
        return lastReferenceId;
    }

    /**
     * Completes the request {@code message} answers, if it carries a ReferenceID: an answer on another connection than
     * its request's, or after its timeout, is dropped, so that no request is answered twice.
     *
     * @return whether the message was an answer (taken or dropped here), rather than an event for the listeners
     */
    boolean answer(Channel channel, TlibMessage message) {
        Integer referenceId = message.getReferenceId();
        if (referenceId == null) {
            return false;
        }
        PendingRequest request = pending.get(referenceId);
        if (request == null || request.channel() != channel) {
            LOG.debug(
                    "T-Server link '{}': dropping {} for no pending request (answered late, after its timeout)",
                    linkName,
                    message);
            return true;
        }
        pending.remove(referenceId);
        request.timeout().cancel(false);
        if (message.type() == MessageType.EventError) {
            request.result().completeExceptionally(new TServerErrorException(request.request(), message));
        } else {
            request.result().complete(message);
        }
        return true;
    }

    private void fail(int referenceId, TServerLinkException error) {
        PendingRequest request = pending.remove(referenceId);
        if (request != null) {
            request.timeout().cancel(false);
            request.result().completeExceptionally(error);
        }
    }

    /** Fails the pending requests of one connection, or of all when {@code channel} is null. */
    void failAll(Channel channel, String reason) {
        Iterator<PendingRequest> requests = pending.values().iterator();
        List<PendingRequest> failed = new ArrayList<>();
        while (requests.hasNext()) {
            PendingRequest request = requests.next();
            if (channel == null || request.channel() == channel) {
                requests.remove();
                failed.add(request);
            }
        }
        for (PendingRequest request : failed) {
            request.timeout().cancel(false);
            request.result()
                    .completeExceptionally(new LinkDownException(
                            reason + "; " + request.request().type()
                                    + (request.request().getThisDN() == null
                                            ? ""
                                            : " on DN " + request.request().getThisDN())
                                    + " may or may not have been carried out"));
        }
    }

    /** Hands an outcome on to {@code result} as it is, not wrapped as a dependent stage would. */
    static <T> void complete(CompletableFuture<T> result, T answer, Throwable error) {
        if (error != null) {
            result.completeExceptionally(error);
        } else {
            result.complete(answer);
        }
    }
}
