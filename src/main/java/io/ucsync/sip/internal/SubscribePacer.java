package io.ucsync.sip.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps only so many SUBSCRIBEs waiting for their answer; the others wait their turn, first come first sent.
 * Subscribing to many workers at once (at start, after moving to another server, after the server lost every
 * subscription) would otherwise send them all in one burst: the server, and the SIP stacks on both sides, queue what
 * they cannot take, answers come late, retransmissions add to the load, and queued messages are finally dropped.
 * <p>
 * How many may be in flight (the window) follows the answers, as TCP's congestion window follows acknowledgements: it
 * starts at {@value #INITIAL_WINDOW}, grows by one with each quick answer (one that took less than half the slow
 * limit) up to the configured most, and halves, at most once per slow limit, when an answer took longer than the slow
 * limit. With half of SIP's T1 as the slow limit, answers keep coming before UDP retransmits the requests.
 * <p>
 * Agent thread only, but for the count in flight.
 */
final class SubscribePacer {

    static final int INITIAL_WINDOW = 4;

    private final int limit;
    private final long slowNanos;
    private final Executor agent;
    private final Queue<Supplier<CompletableFuture<?>>> waiting = new ArrayDeque<>();
    /** Written on the agent thread only. */
    private volatile int inFlight;

    private int window;
    private long lastHalvedNanos = System.nanoTime();

    /**
     * @param limit      the most SUBSCRIBEs in flight
     * @param slowMillis an answer that takes longer is slow, and halves the window
     */
    SubscribePacer(int limit, long slowMillis, Executor agent) {
        if (limit < 1) {
            throw new IllegalArgumentException("at least one SUBSCRIBE must be allowed in flight, was " + limit);
        }
        this.limit = limit;
        this.slowNanos = TimeUnit.MILLISECONDS.toNanos(slowMillis);
        this.agent = agent;
        this.window = Math.min(limit, INITIAL_WINDOW);
    }

    /**
     * Sends when there is room, else once there is. {@code send} builds and sends the request when its turn comes (so
     * that it is built from the state of that moment) and returns the transaction's future, or null when there is
     * nothing to send any more.
     */
    void submit(Supplier<CompletableFuture<?>> send) {
        waiting.add(send);
        sendWhileRoom();
    }

    /** SUBSCRIBEs sent and not answered yet (any thread). */
    int inFlight() {
        return inFlight;
    }

    /** How many may be in flight now. */
    int window() {
        return window;
    }

    private void sendWhileRoom() {
        while (inFlight < window && !waiting.isEmpty()) {
            long sentNanos = System.nanoTime();
            CompletableFuture<?> answer = waiting.poll().get();
            if (answer != null) {
                inFlight++;
                answer.whenCompleteAsync((response, error) -> answered(System.nanoTime() - sentNanos), agent);
            }
        }
    }

    private void answered(long tookNanos) {
        inFlight--;
        long now = System.nanoTime();
        if (tookNanos > slowNanos) {
            if (now - lastHalvedNanos > slowNanos) {
                window = Math.max(1, window / 2);
                lastHalvedNanos = now;
            }
        } else if (tookNanos < slowNanos / 2) {
            window = Math.min(limit, window + 1);
        }
        sendWhileRoom();
    }
}
