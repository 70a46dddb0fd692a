package io.ucsync.app;

import io.ucsync.config.ConfigException;
import io.ucsync.engine.SyncEngine;
import io.ucsync.engine.WorkerViews;
import io.ucsync.state.StateStoreException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector as {@code java -jar target/ucsync.jar} runs it: ucsync ({@link UcsyncModule}) on a camel-main of
 * its own, which also takes the camel.* keys of the same application.properties (HTTP server, management port).
 */
public final class Connector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    private final UcsyncModule module;
    private final Path configFile;
    private final Main main;
    private Thread runner;

    private Connector(UcsyncModule module, Path configFile) {
        this.module = module;
        this.configFile = configFile;
        // no main class: camel-main would scan its package for RouteBuilders; ucsync's routes are its route files
        this.main = new Main();
        main.setInitialProperties(module.settings().asProperties());
        main.addMainListener(module.mainListener());
    }

    /**
     * Reads the configuration and builds the connector.
     *
     * @throws ConfigException     naming each problem with its file, line and fix
     * @throws StateStoreException in one line, when the state store cannot be reached or migrated
     */
    public static Connector create(Path configFile) throws Exception {
        return new Connector(UcsyncModule.create(configFile), configFile);
    }

    /**
     * Runs until the JVM is asked to stop, or {@link #close()}.
     *
     * @return false when ucsync could not start, said in one line naming what and the fix ({@link StartFailure})
     */
    public boolean run() {
        Optional<String> portInUse =
                StartFailure.serverPortInUse(module.settings().asProperties(), configFile);
        if (portInUse.isPresent()) {
            LOG.error("ucsync cannot start: {}", portInUse.get());
            module.close();
            return false;
        }
        try {
            main.run();
            return true;
        } catch (Exception e) {
            StartFailure.report(LOG, e, configFile);
            return false;
        } finally {
            module.close();
        }
    }

    /**
     * Runs on a thread of its own and returns once started, for tests; {@link #close()} stops. A plain thread: it runs
     * camel-main, which makes the CamelContext and outlives its stop, so it cannot be one of the context's threads.
     */
    public void start() throws Exception {
        runner = new Thread(
                () -> {
                    run();
                    // a start still awaited has failed (before ucsync's own start could, or without it)
                    module.started().completeExceptionally(new IllegalStateException("camel-main stopped"));
                },
                "ucsync-main");
        runner.start();
        try {
            module.started().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            throw new IllegalStateException("ucsync did not start; the log says why");
        }
    }

    /** The embedded lab, or null when ucsync talks to real servers. */
    public EmbeddedLab lab() {
        return module.lab();
    }

    public SyncEngine engine() {
        return module.engine();
    }

    /** What the KW page and the dashboard read of the workers. */
    public WorkerViews workerViews() {
        return module.workerViews();
    }

    public CamelContext camelContext() {
        return module.camelContext();
    }

    /** Stops Camel (and with it the links, the subscriptions and ucsync's own resources). */
    @Override
    public void close() {
        main.completed();
        if (runner != null && runner != Thread.currentThread()) {
            try {
                runner.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (runner == null) {
            module.close();
        }
    }
}
