package io.ucsync.engine;

/**
 * What the engine asks the routes to do for a worker: a request to the worker's T-Server, or a publication on the
 * worker's UC pool. The routes dispatch on {@link #destination()} and report the outcome back to the engine.
 */
public sealed interface Command permits TServerRequest, UcPublication {

    /** {@value #TSERVER} or {@value #UC}: where the routes send it. */
    String destination();

    String TSERVER = "tserver";
    String UC = "uc";
}
