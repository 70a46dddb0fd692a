package io.ucsync.sip.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
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

    private final AgentThreads executors;
    private final ExecutorService[] lanes;
    /** Room in each lane's queue: taken when a task is queued, given back when it leaves the queue to run. */
    private final Semaphore[] room;

    private final int queueSize;
    private volatile boolean stopped;

    public NotificationLanes(String name, int count, int queueSize, AgentThreads executors) {
        this.executors = executors;
        this.queueSize = queueSize;
        lanes = new ExecutorService[count];
        room = new Semaphore[count];
        for (int i = 0; i < count; i++) {
            room[i] = new Semaphore(queueSize);
            lanes[i] = executors.newLane(name + "-notify-" + i, queueSize);
        }
    }

    /** Queues {@code task} on the lane of {@code key}, waiting while that lane is full. */
    public void submit(String key, Runnable task) {
        int lane = Math.floorMod(key.hashCode(), lanes.length);
        Semaphore free = room[lane];
        try {
            if (stopped) {
                throw new RejectedExecutionException("notification lanes stopped");
            }
            free.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debug("notification dropped, interrupted while waiting for room in a notification lane");
            return;
        } catch (RejectedExecutionException e) {
            LOG.debug("notification dropped, lanes stopped: {}", e.getMessage());
            return;
        }
        try {
            lanes[lane].execute(() -> {
                free.release();
                task.run();
            });
        } catch (RejectedExecutionException e) {
            free.release();
            LOG.debug("notification dropped, lanes stopped: {}", e.getMessage());
        }
    }

    /** Notifications waiting in all lanes. */
    public int queued() {
        int total = 0;
        for (Semaphore free : room) {
            total += queueSize - free.availablePermits();
        }
        return total;
    }

    /** Lets queued notifications finish for up to {@code millis}, then stops the lanes. */
    public void stop(long millis) {
        stopped = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (ExecutorService lane : lanes) {
            executors.stop(lane, Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        for (Semaphore free : room) {
            // a SIP thread still waiting for room finds the lane stopped instead of waiting for ever
            free.release(queueSize);
        }
    }
}
