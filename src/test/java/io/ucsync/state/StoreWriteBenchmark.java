package io.ucsync.state;

import io.ucsync.bench.Bench;
import io.ucsync.engine.AgentState;
import io.ucsync.engine.WorkerFacts;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.state.peers.TestStores;
import io.ucsync.state.peers.TestStores.Kind;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The state store's write path alone, the part that limits changes per second end to end: 32 threads
 * ({@code -Dbench.lanes}) each save facts of its own workers, one write waiting for its commit before the next, as a lane does,
 * 20 s after 5 s of warm-up. Prints {@code store.writes.h2} / {@code store.writes.postgresql} in writes per second (one
 * presence change costs one write), on the shipped H2 settings (WRITE_DELAY=0, RETENTION_TIME=1000) and on a
 * PostgreSQL of its own (synchronous commit, as shipped). A measurement, not a test:
 * {@code mvn -o test -Dtest=StoreWriteBenchmark -Dsurefire.excludedGroups=none}.
 */
@Tag("benchmark")
@ExtendWith(Bench.class)
class StoreWriteBenchmark {

    private static final int LANES = Integer.getInteger("bench.lanes", 32);
    private static final int WORKERS = 100_000;
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration MEASURED = Duration.ofSeconds(20);

    @RegisterExtension
    static final TestStores stores = new TestStores();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writes_per_second(Kind kind) throws Exception {
        TestStores.Database database = kind == Kind.H2
                ? new TestStores.Database(
                        "jdbc:h2:file:" + dir.resolve("ucsync") + ";WRITE_DELAY=0;RETENTION_TIME=1000", "sa", "")
                : stores.database(kind, dir);
        try (StateDatabase opened = database.open();
                WorkerStore store = new WorkerStore(opened)) {
            Fence fence = TestStores.ownEverything(opened).fenceFor(sipUri(0)).orElseThrow();
            run(store, fence, WARM_UP);
            long writes = run(store, fence, MEASURED);
            double perSecond = writes / (MEASURED.toMillis() / 1000.0);
            System.out.printf(Locale.ROOT, "%s: %,d writes in %s by %d lanes%n", kind, writes, MEASURED, LANES);
            Bench.report("store.writes." + kind.name().toLowerCase(Locale.ROOT), Math.round(perSecond), "writes/s");
        }
    }

    /** Writes from every lane for {@code duration}; the writes committed. */
    private static long run(WorkerStore store, Fence fence, Duration duration) throws Exception {
        AtomicLong committed = new AtomicLong();
        long until = System.nanoTime() + duration.toNanos();
        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < LANES; lane++) {
                int first = lane;
                running.add(lanes.submit(() -> {
                    int round = 0;
                    while (System.nanoTime() < until) {
                        for (int worker = first; worker < WORKERS && System.nanoTime() < until; worker += LANES) {
                            store.write(sipUri(worker), facts(round), audit(worker, round), fence);
                            committed.incrementAndGet();
                        }
                        round++;
                    }
                    return null;
                }));
            }
            for (Future<?> lane : running) {
                lane.get();
            }
        } finally {
            lanes.shutdownNow();
        }
        return committed.get();
    }

    private static String sipUri(int worker) {
        return String.format(Locale.ROOT, "sip:kw%06d@ucsync.test", worker);
    }

    /** A worker's facts after a presence change that moved the agent (alternately Busy and Online). */
    private static WorkerFacts facts(int round) {
        boolean busy = round % 2 == 0;
        AgentState state = busy ? new AgentState.NotReady(AgentWorkMode.Unknown, "Busy") : new AgentState.Ready();
        return WorkerFacts.NONE
                .withPresenceFromUc(new Presence(
                        "sip:kw@ucsync.test",
                        busy ? Availability.BUSY : Availability.ONLINE,
                        null,
                        PresenceSource.AGGREGATE,
                        Instant.now()))
                .withReportedAgentState(state);
    }

    /** The audit entry a change of agent state writes with it. */
    private static AuditEntry audit(int worker, int round) {
        return new AuditEntry(sipUri(worker), Instant.now(), "round " + round, "presence changed");
    }
}
