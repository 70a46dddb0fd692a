package io.ucsync.engine;

import io.ucsync.tlib.protocol.TlibMessage;

/**
 * A T-Library request the engine decided on for one worker, travelling through the routes to the worker's T-Server
 * and back to the engine with its answer.
 *
 * @param sipUri  the worker
 * @param tserver the name of the worker's T-Server (the {@code tlib:} endpoint name)
 * @param request the request; the link sets its ReferenceID
 * @param target  the agent state the request leads to, or null for a query
 * @param cause   what made the engine decide on it (a presence, a flag, a timer), for the audit log
 * @param reason  why the desired state was what it was (for a presence, the map's rule), or null when that was not
 *                the question (a query after a failed request)
 * @param decidedAtNanos {@link System#nanoTime()} when it was decided, for the latency metric
 * @param sendBy  the {@link System#nanoTime()} after which it must not be sent any more, or null for no limit (the
 *                routes pass it to the link as {@code TlibSendBy}): a cluster node's hold on the worker may have lapsed
 *                by then ({@link #sendableUntil})
 */
public record TServerRequest(
        String sipUri,
        String tserver,
        TlibMessage request,
        AgentState target,
        String cause,
        String reason,
        long decidedAtNanos,
        Long sendBy)
        implements Command {

    @Override
    public String destination() {
        return TSERVER;
    }

    /** The same request, to be sent by that {@link System#nanoTime()} or not at all. */
    public TServerRequest sendableUntil(long sendBy) {
        return new TServerRequest(sipUri, tserver, request, target, cause, reason, decidedAtNanos, sendBy);
    }

    /**
     * What it was sent for, for the audit: the cause and the reason, or just the reason when it begins with the cause
     * (a presence, and what it maps to by which rule).
     */
    public String purpose() {
        if (reason == null) {
            return cause;
        }
        return reason.startsWith(cause) ? reason : cause + "; " + reason;
    }

    @Override
    public String toString() {
        return request.name() + " for " + sipUri + (target == null ? "" : " -> " + target);
    }
}
