package io.ucsync.engine;

import io.ucsync.tlib.protocol.AttributeId;
import io.ucsync.tlib.protocol.TlibMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the engine has asked the T-Server about each worker and not yet heard back about, in memory (after a restart
 * the T-Server is asked again): so that a second input while a request is on its way does not repeat it, a refusal is
 * not retried until the desired state changes, and an event that overtook a newer one is told by its number.
 * <p>
 * Kept apart from the saved {@link WorkerFacts}: it describes this node's conversation with the T-Server, not the
 * worker, and is forgotten when another node takes the worker over. Changed only on the worker's lane; read from
 * other threads only by {@link #awaitingAnswer}.
 */
final class OutstandingRequests {

    /**
     * One worker's requests.
     *
     * @param requests     requests sent and not yet answered
     * @param target       the state the last of them leads to (null while a query is out)
     * @param refused      the target the T-Server last refused; not asked for again until the desired state moves
     * @param lastSequence the EventSequenceNumber of the newest event applied, to drop one that overtook it
     */
    private record Outstanding(int requests, AgentState target, AgentState refused, long lastSequence) {
        static final Outstanding NONE = new Outstanding(0, null, null, -1);
    }

    private final Map<String, Outstanding> bySipUri = new ConcurrentHashMap<>();

    private Outstanding of(String sipUri) {
        return bySipUri.getOrDefault(sipUri, Outstanding.NONE);
    }

    /** How many requests sent for the worker are not answered yet. */
    int unanswered(String sipUri) {
        return of(sipUri).requests();
    }

    /** Whether a request that changes the agent is on its way (read from other threads). */
    boolean awaitingAnswer(String sipUri) {
        Outstanding asked = of(sipUri);
        return asked.target() != null && asked.requests() > 0;
    }

    /** Whether a query of the agent's state is on its way: until it is answered, the actual state is not known. */
    boolean queryOnItsWay(String sipUri) {
        Outstanding asked = of(sipUri);
        return asked.requests() > 0 && asked.target() == null;
    }

    /** The state the requests on their way lead to, or the reported one when none is on its way. */
    AgentState leadsTo(String sipUri, AgentState reported) {
        Outstanding asked = of(sipUri);
        return asked.requests() > 0 ? asked.target() : reported;
    }

    /**
     * Whether the T-Server refused this very target last. A refusal of another target is forgotten: the desired state
     * has moved since, so what it refused may be asked for again later.
     */
    boolean stillRefused(String sipUri, AgentState wanted) {
        Outstanding asked = of(sipUri);
        if (asked.refused() != null && !wanted.equals(asked.refused())) {
            bySipUri.put(sipUri, new Outstanding(asked.requests(), asked.target(), null, asked.lastSequence()));
            return false;
        }
        return wanted.equals(asked.refused());
    }

    /** A request leading to {@code target} (null for a query) is about to go out. */
    void sent(String sipUri, AgentState target) {
        Outstanding asked = of(sipUri);
        bySipUri.put(sipUri, new Outstanding(asked.requests() + 1, target, asked.refused(), asked.lastSequence()));
    }

    /** One request came back; {@code refused} is the target the T-Server refused for good, or null. */
    void answered(String sipUri, AgentState refused) {
        Outstanding asked = of(sipUri);
        bySipUri.put(
                sipUri,
                new Outstanding(
                        Math.max(0, asked.requests() - 1),
                        asked.target(),
                        refused != null ? refused : asked.refused(),
                        asked.lastSequence()));
    }

    /** Nothing is to be sent for the worker until the T-Server has reported it: its saved agent state may be stale. */
    void awaitReport(String sipUri) {
        bySipUri.put(sipUri, new Outstanding(1, null, null, -1));
    }

    /**
     * The T-Server reported the worker in a resync: a new connection, maybe to another server, whose numbering starts
     * afresh, and what was asked on the old one will never be answered. Only a refusal still stands.
     */
    void resynced(String sipUri, TlibMessage report) {
        bySipUri.put(sipUri, new Outstanding(0, null, of(sipUri).refused(), sequenceOf(report)));
    }

    /** Events and answers reach the engine on two paths; one that overtook a newer one carries an older number. */
    boolean isStale(String sipUri, TlibMessage event) {
        long sequence = sequenceOf(event);
        return sequence >= 0 && sequence < of(sipUri).lastSequence();
    }

    /** The newest event applied so far, so that one which overtook it can be told. */
    void recordSequence(String sipUri, TlibMessage event) {
        long sequence = sequenceOf(event);
        if (sequence >= 0) {
            Outstanding asked = of(sipUri);
            bySipUri.put(
                    sipUri,
                    new Outstanding(
                            asked.requests(),
                            asked.target(),
                            asked.refused(),
                            Math.max(sequence, asked.lastSequence())));
        }
    }

    /** This node no longer acts for the worker: another node owns it now, and asks the T-Server itself. */
    void forget(String sipUri) {
        bySipUri.remove(sipUri);
    }

    private static long sequenceOf(TlibMessage event) {
        Long sequence = event.getLong(AttributeId.EventSequenceNumber);
        return sequence == null ? -1 : sequence;
    }
}
