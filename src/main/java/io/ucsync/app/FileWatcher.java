package io.ucsync.app;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches directories and hands each changed file to a handler once the writes to it have settled: an editor's
 * save is often several events (truncate, write, rename), and a half-written file must not be read.
 */
public final class FileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
    private static final long SETTLE_MILLIS = 300;

    private final WatchService watchService;
    private final ExecutorServiceManager threads;
    /** Runs {@link #run} from start to close. */
    private ExecutorService watching;

    private final Map<Path, List<Handler>> handlers = new ConcurrentHashMap<>();

    private record Handler(Predicate<Path> accepts, Consumer<Path> onChange) {}

    /** A watcher on a thread named {@code ucsync-file-watcher} from the CamelContext's {@code threads}. */
    public FileWatcher(ExecutorServiceManager threads) throws IOException {
        this.watchService = FileSystems.getDefault().newWatchService();
        this.threads = threads;
    }

    /** Calls {@code onChange} (on the watcher's thread) for each created, changed or deleted file that {@code accepts}. */
    public void watch(Path directory, Predicate<Path> accepts, Consumer<Path> onChange) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        if (!handlers.containsKey(dir)) {
            dir.register(
                    watchService,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
        handlers.computeIfAbsent(dir, d -> new CopyOnWriteArrayList<>()).add(new Handler(accepts, onChange));
    }

    public void start() {
        watching = threads.newSingleThreadExecutor(this, "ucsync-file-watcher");
        watching.execute(this::run);
    }

    private void run() {
        try {
            while (true) {
                Set<Path> changed = new LinkedHashSet<>();
                collect(watchService.take(), changed);
                // settle: keep collecting until the directory has been quiet for a moment
                WatchKey more;
                while ((more = watchService.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    collect(more, changed);
                }
                for (Path file : changed) {
                    for (Handler handler : handlers.getOrDefault(file.getParent(), List.of())) {
                        if (handler.accepts().test(file)) {
                            try {
                                handler.onChange().accept(file);
                            } catch (RuntimeException e) {
                                LOG.error("handling the change of {} failed: {}", file, RouteFiles.describe(e));
                            }
                        }
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the connector is stopping
        }
    }

    private static void collect(WatchKey key, Set<Path> changed) {
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path name) {
                changed.add(dir.resolve(name));
            }
        }
        key.reset();
    }

    /** Stops watching: closing the watch service ends the wait for a change; a handler still running is interrupted. */
    @Override
    public void close() throws IOException {
        watchService.close();
        if (watching != null) {
            threads.shutdownNow(watching);
        }
    }
}
