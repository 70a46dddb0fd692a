package io.ucsync.sip.internal;

/**
 * Where {@link Transactions} reports that a front-end server failed a request: it could not be sent, got no answer,
 * or got 503. Each move to a server starts a new generation, so that a late failure of a request sent to a server
 * the user agent has left does not count against the server it uses now.
 */
public interface ServerFailures {

    /** The generation of the server that requests go to now. */
    int generation();

    /**
     * A request sent in {@code generation} failed because of its server. Any thread; returns at once.
     *
     * @param why               what happened, for the log line (no text from the network but through LogText)
     * @param retryAfterSeconds the 503's Retry-After, or 0
     */
    void failed(int generation, String why, int retryAfterSeconds);
}
