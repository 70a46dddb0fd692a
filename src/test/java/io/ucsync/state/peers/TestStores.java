package io.ucsync.state.peers;

import io.ucsync.state.Fence;
import io.ucsync.state.Fences;
import io.ucsync.state.PartitionEpochs;
import io.ucsync.state.StateDatabase;
import io.ucsync.state.StateStoreException;
import io.ucsync.state.StateThreads;
import io.ucsync.state.WorkerRegistry;
import io.ucsync.state.WorkerStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The stores ucsync supports, for tests that run the same on each ({@code @EnumSource(TestStores.Kind.class)}): an H2
 * file in the test's directory, or a database of its own on a PostgreSQL 15 that the test class shares. Registered as
 * {@code @RegisterExtension static final TestStores stores = new TestStores();}, it starts that PostgreSQL before the
 * class's tests and stops it after them.
 */
public final class TestStores implements BeforeAllCallback, AfterAllCallback {

    /** The two stores ucsync supports. */
    public enum Kind {
        H2,
        POSTGRESQL
    }

    /** Where a test's database is, and who may connect. */
    public record Database(String url, String user, String password) {
        /** Opens it as ucsync does (its schema created or migrated). */
        public StateDatabase open() throws StateStoreException {
            return StateDatabase.open(url, user, password);
        }
    }

    private final Map<String, Database> databases = new ConcurrentHashMap<>();
    private PostgresPeer postgres;

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres = PostgresPeer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        postgres.close();
    }

    /**
     * The database of this kind for the test whose directory this is: made on first use, the same one after (so that a
     * test can close it and open it again).
     */
    public Database database(Kind kind, Path dir) {
        return databases.computeIfAbsent(
                kind + " " + dir,
                key -> kind == Kind.H2
                        // WRITE_DELAY=0: H2 otherwise flushes commits up to half a second late, which a kill -9 would
                        // lose
                        ? new Database("jdbc:h2:file:" + dir.resolve("ucsync") + ";WRITE_DELAY=0", "sa", "")
                        : new Database(postgres.createDatabase(), postgres.user(), ""));
    }

    /**
     * Fences with which a test's store takes every write of every worker, as a node alone does: partition 0, its epoch
     * raised for this test.
     */
    public static Fences ownEverything(StateDatabase database) throws SQLException {
        Fence fence = new PartitionEpochs(database, Clock.systemUTC()).raise(0, "test");
        return new Fences() {
            @Override
            public Optional<Fence> fenceFor(String sipUri) {
                return Optional.of(fence);
            }

            @Override
            public boolean holds(String sipUri) {
                return true;
            }
        };
    }

    /**
     * A registry of the store's workers with that many lanes, started on {@link #plainThreads()}, writing under
     * {@link #ownEverything} (the caller closes it).
     */
    public static WorkerRegistry startedRegistry(WorkerStore store, StateDatabase database, int lanes, Clock clock)
            throws SQLException {
        WorkerRegistry registry = new WorkerRegistry(store, ownEverything(database), lanes, clock);
        registry.start(plainThreads());
        return registry;
    }

    /** Threads for the store's parts tested without a CamelContext: plain single-threaded executors. */
    public static StateThreads plainThreads() {
        return new StateThreads() {
            @Override
            public ExecutorService newSingleThreadExecutor(String name) {
                return Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                });
            }

            @Override
            public void shutdownGraceful(ExecutorService executor, long timeoutMillis) {
                executor.shutdown();
                try {
                    if (!executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                        executor.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    executor.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** The PostgreSQL the class's tests share. */
    public PostgresPeer postgres() {
        return postgres;
    }
}
