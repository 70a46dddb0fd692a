package io.ucsync.engine;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import io.ucsync.presence.Presence;
import io.ucsync.presence.PublishedPresence;

/**
 * What ucsync knows about one knowledge worker: the facts the desired state is computed from. Immutable;
 * each change makes a new value, so a change can be persisted before anything acts on it.
 *
 * @param ownPresence            the worker's own last presence from the UC side (never ucsync's echo), or null
 * @param contactCenterDnd       the worker set "unavailable for contact-center work" in ucsync's page
 * @param previewDeclinedUntil   the end of the NotReady window after a declined preview, or null
 * @param activeCalls            ConnIDs of calls ringing or established on the worker's DN
 * @param reportedAgentState     the agent state the T-Server last reported, or null when not known (yet)
 * @param published              what ucsync currently publishes for the worker on the UC side, or null
 */
public record WorkerFacts(Presence ownPresence, boolean contactCenterDnd, Instant previewDeclinedUntil, Set<String> activeCalls,
                          AgentState reportedAgentState, PublishedPresence published) {

    public static final WorkerFacts NONE = new WorkerFacts(null, false, null, Set.of(), null, null);

    public WorkerFacts {
        activeCalls = Set.copyOf(activeCalls);
    }

    /**
     * Takes a presence that arrived from the UC side. A presence that shows exactly what ucsync itself
     * publishes is our own publication coming back (the UC server aggregates it into what watchers see):
     * it is not the worker's choice, so it must not replace their presence nor turn into a NotReady.
     * The cost: a worker who manually picks the very presence ucsync publishes during a call is only
     * seen once ucsync removes its publication.
     */
    public WorkerFacts withPresenceFromUc(Presence presence) {
        if (published != null && published.isShownBy(presence)) {
            return this;
        }
        return new WorkerFacts(presence, contactCenterDnd, previewDeclinedUntil, activeCalls, reportedAgentState, published);
    }

    public WorkerFacts withContactCenterDnd(boolean on) {
        return new WorkerFacts(ownPresence, on, previewDeclinedUntil, activeCalls, reportedAgentState, published);
    }

    public WorkerFacts withPreviewDeclinedUntil(Instant until) {
        return new WorkerFacts(ownPresence, contactCenterDnd, until, activeCalls, reportedAgentState, published);
    }

    public WorkerFacts withCallStarted(String connId) {
        Set<String> calls = new HashSet<>(activeCalls);
        calls.add(connId);
        return new WorkerFacts(ownPresence, contactCenterDnd, previewDeclinedUntil, calls, reportedAgentState, published);
    }

    public WorkerFacts withCallEnded(String connId) {
        Set<String> calls = new HashSet<>(activeCalls);
        calls.remove(connId);
        return new WorkerFacts(ownPresence, contactCenterDnd, previewDeclinedUntil, calls, reportedAgentState, published);
    }

    public WorkerFacts withReportedAgentState(AgentState state) {
        return new WorkerFacts(ownPresence, contactCenterDnd, previewDeclinedUntil, activeCalls, state, published);
    }

    public WorkerFacts withPublished(PublishedPresence presence) {
        return new WorkerFacts(ownPresence, contactCenterDnd, previewDeclinedUntil, activeCalls, reportedAgentState, presence);
    }

    public boolean onCall() {
        return !activeCalls.isEmpty();
    }

    public boolean inPreviewDeclineWindow(Instant now) {
        return previewDeclinedUntil != null && now.isBefore(previewDeclinedUntil);
    }
}
