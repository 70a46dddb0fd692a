package io.ucsync.app;

import static io.ucsync.app.UcsyncHarness.worker;
import static org.awaitility.Awaitility.await;

import io.ucsync.lab.frontend.FrontEndEmulator;
import io.ucsync.presence.PresenceSource;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sets random presences of the harness's workers on the front end, about 200 a second, until closed; remembers each
 * worker's last one. The presences keep the agent logged in (so any second login would be a duplicate).
 */
final class PresenceFlow implements AutoCloseable {

    /** The presences set, and the agent state each maps to. */
    static final Map<Integer, String> MAPPED = Map.of(
            3500,
            "Ready",
            6500,
            "NotReady Busy",
            15500,
            "NotReady Away",
            12500,
            "NotReady BeRightBack",
            9500,
            "NotReady DoNotDisturb");

    private static final Integer[] PRESENCES = MAPPED.keySet().toArray(Integer[]::new);

    final Map<Integer, Integer> last = new ConcurrentHashMap<>();
    final AtomicInteger sent = new AtomicInteger();
    private final AtomicBoolean flowing = new AtomicBoolean(true);
    private final Thread thread;

    /**
     * A flow for workers 1 to {@code workers} on the front end the supplier gives (a restarted one, say); the harnesses
     * start them ({@code presenceFlow()}).
     */
    PresenceFlow(Supplier<FrontEndEmulator> frontEnd, int workers) {
        Random random = new Random(42);
        thread = new Thread(
                () -> {
                    while (flowing.get()) {
                        int worker = 1 + random.nextInt(workers);
                        int availability = PRESENCES[random.nextInt(PRESENCES.length)];
                        last.put(worker, availability);
                        frontEnd.get().presence(worker(worker), availability, null, PresenceSource.USER);
                        sent.incrementAndGet();
                        try {
                            Thread.sleep(5); // a steady rate, about 200 changes a second
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "presence-flow");
        thread.start();
    }

    /** What the worker's agent should be: what their last presence (Online if none was set) maps to. */
    String expected(int worker) {
        return MAPPED.get(last.getOrDefault(worker, UcsyncHarness.ONLINE));
    }

    /** Waits until every worker's agent is in the state their last presence (Online if none was set) maps to. */
    static void awaitEveryWorkerAsMapped(UcsyncHarness ucsync, Map<Integer, Integer> last) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (int worker = 1; worker <= ucsync.workers; worker++) {
                String expected = MAPPED.get(last.getOrDefault(worker, UcsyncHarness.ONLINE));
                if (!expected.equals(UcsyncHarness.describe(ucsync.agent(worker)))) {
                    return false;
                }
            }
            return true;
        });
    }

    @Override
    public void close() throws InterruptedException {
        flowing.set(false);
        thread.join();
    }
}
