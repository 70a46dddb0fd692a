package io.ucsync.tlib;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import org.apache.camel.spi.ExecutorServiceManager;

/**
 * Single-threaded lanes, from Camel's executor service manager, that run the routes behind T-Server messages: the
 * messages of one DN one at a time in the order the T-Server sent them, those of different DNs side by side. A
 * message without a DN (a link's own: EventLinkConnected, ...) runs after every message given before it and before
 * every message given after it, as on one thread.
 * <p>
 * Why lanes and not one thread: the route behind a message waits until the worker's change is saved, and the state
 * store commits every change waiting together (src/main/docs/engine-and-routes.md "The state store"); on one thread a
 * T-Server's messages would be saved one commit at a time.
 */
final class DnLanes {

    private final ExecutorServiceManager executors;
    private final List<ExecutorService> lanes;

    /** {@code count} lanes named {@code name-N}, owned by {@code source}. */
    DnLanes(ExecutorServiceManager executors, Object source, String name, int count) {
        if (count < 1) {
            throw new IllegalArgumentException(name + ": at least one thread, not " + count);
        }
        this.executors = executors;
        List<ExecutorService> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String laneName = name + "-" + i;
            started.add(executors.newThreadPool(source, laneName, TlibComponent.unboundedPool(laneName, 1)));
        }
        this.lanes = List.copyOf(started);
    }

    /**
     * Runs the task on the DN's lane; with no DN, once every lane has run what it was given before, while they wait.
     * Synchronized: two tasks without a DN must meet every lane in the same order, or each would wait for the other.
     */
    synchronized void execute(String dn, Runnable task) {
        if (dn != null || lanes.size() == 1) {
            lanes.get(dn == null ? 0 : Math.floorMod(dn.hashCode(), lanes.size()))
                    .execute(task);
            return;
        }
        CountDownLatch othersArrived = new CountDownLatch(lanes.size() - 1);
        CountDownLatch taskDone = new CountDownLatch(1);
        for (ExecutorService other : lanes.subList(1, lanes.size())) {
            other.execute(() -> {
                othersArrived.countDown();
                awaitUnlessStopping(taskDone);
            });
        }
        lanes.get(0).execute(() -> {
            try {
                awaitUnlessStopping(othersArrived);
                task.run();
            } finally {
                taskDone.countDown();
            }
        });
    }

    /**
     * Waits for the latch; an interrupt (the lanes shutting down) ends the wait early, and the task behind it then
     * runs on a stopping lane, as it would have on one thread.
     */
    private static void awaitUnlessStopping(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void shutdown() {
        lanes.forEach(executors::shutdown);
    }
}
