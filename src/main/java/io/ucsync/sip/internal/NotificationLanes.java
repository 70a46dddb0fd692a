package io.ucsync.sip.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-threaded lanes that read presence documents and run the consumer, away from the SIP stack's threads.
 * A key (a subscription) always maps to the same lane, so its notifications are handled one at a time and in
 * the order they were queued. A full lane makes the submitting SIP thread wait: back-pressure instead of
 * unbounded memory.
 */
public final class NotificationLanes {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationLanes.class);

    private final ThreadPoolExecutor[] lanes;

    public NotificationLanes(String name, int count, int queueSize) {
        lanes = new ThreadPoolExecutor[count];
        for (int i = 0; i < count; i++) {
            String threadName = name + "-notify-" + i;
            ThreadPoolExecutor lane = new ThreadPoolExecutor(
                    1,
                    1,
                    0,
                    TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(queueSize),
                    r -> {
                        Thread t = new Thread(r, threadName);
                        t.setDaemon(true);
                        return t;
                    },
                    NotificationLanes::waitForRoom);
            lane.prestartAllCoreThreads();
            lanes[i] = lane;
        }
    }

    private static void waitForRoom(Runnable task, ThreadPoolExecutor lane) {
        if (lane.isShutdown()) {
            throw new RejectedExecutionException("notification lane stopped");
        }
        try {
            lane.getQueue().put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for room in a notification lane", e);
        }
    }

    /** Queues {@code task} on the lane of {@code key}. */
    public void submit(String key, Runnable task) {
        int lane = Math.floorMod(key.hashCode(), lanes.length);
        try {
            lanes[lane].execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("notification dropped, lanes stopped: {}", e.getMessage());
        }
    }

    /** Notifications waiting in all lanes. */
    public int queued() {
        int total = 0;
        for (ThreadPoolExecutor lane : lanes) {
            total += lane.getQueue().size();
        }
        return total;
    }

    /** Lets queued notifications finish for up to {@code millis}, then stops the lanes. */
    public void stop(long millis) {
        for (ThreadPoolExecutor lane : lanes) {
            lane.shutdown();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (ThreadPoolExecutor lane : lanes) {
            try {
                if (!lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    lane.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lane.shutdownNow();
            }
        }
    }
}
