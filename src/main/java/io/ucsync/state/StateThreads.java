package io.ucsync.state;

import java.util.concurrent.ExecutorService;

/**
 * Where the state store's threads come from, and how they stop: in ucsync, the CamelContext's ExecutorServiceManager
 * (named, listed and shut down with Camel's own threads); in a test of the store alone, plain executors.
 */
public interface StateThreads {

    /** A single-threaded executor; {@code name} says what its thread does. */
    ExecutorService newSingleThreadExecutor(String name);

    /**
     * Takes no more tasks, lets those already queued run, waiting at most {@code timeoutMillis} for them, then stops
     * the executor (interrupting what still runs).
     */
    void shutdownGraceful(ExecutorService executor, long timeoutMillis);
}
