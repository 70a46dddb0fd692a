package io.ucsync.engine;

import io.ucsync.presence.Presence;
import io.ucsync.presence.PublishedPresence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What ucsync knows about one knowledge worker: the facts the desired state is computed from. Immutable;
 * each change makes a new value, so a change can be persisted before anything acts on it.
 * <p>
 * ucsync's own inputs (the worker's presence, their contact-center DND, a declined preview and the end of its window)
 * end an {@link ExternalChange}: from then on the desired state applies again.
 *
 * @param ownPresence            the worker's own last presence from the UC side (never ucsync's echo), or null
 * @param contactCenterDnd       the worker set "unavailable for contact-center work" in ucsync's page
 * @param previewDeclinedUntil   the end of the NotReady window after a declined preview, or null
 * @param calls                  the calls on the worker's DN by ConnID, with how far each has come
 * @param reportedAgentState     the agent state the T-Server last reported, or null when not known (yet)
 * @param requested              the states ucsync's requests lead to that the T-Server has not reported yet, oldest
 *                               first: saved before the requests go out, so that after a crash, a lost answer or a
 *                               reconnect ucsync still knows its own doing when the T-Server reports it
 * @param externalChange         the agent state was last changed by someone other than ucsync, or null
 * @param published              what ucsync currently publishes for the worker on the UC side, or null
 */
public record WorkerFacts(
        Presence ownPresence,
        boolean contactCenterDnd,
        Instant previewDeclinedUntil,
        Map<String, CallPhase> calls,
        AgentState reportedAgentState,
        List<AgentState> requested,
        ExternalChange externalChange,
        PublishedPresence published) {

    public static final WorkerFacts NONE = new WorkerFacts(null, false, null, Map.of(), null, List.of(), null, null);
    /** The most requested states remembered: more are requests the T-Server never answered (timeouts), oldest dropped. */
    static final int MAX_REQUESTED = 8;

    /** How far a call on the worker's DN has come. */
    public enum CallPhase {
        /** Ringing on the worker's DN, or dialled from it and not answered yet. */
        ALERTING,
        /** Answered: the worker is talking. */
        ESTABLISHED
    }

    /**
     * The worker's agent state was set by another T-Server client (an agent desktop, a supervisor, workforce
     * management) or by the T-Server itself, not by ucsync.
     *
     * @param at       when ucsync learned of it
     * @param reverted ucsync has already answered one external change since its last own input
     *                 ({@code external-changes=revert}); a further one is left as it is, so two systems never loop
     */
    public record ExternalChange(Instant at, boolean reverted) {
        public ExternalChange {
            Objects.requireNonNull(at, "at");
        }

        /** Whether ucsync leaves the agent as the other client set it. */
        public boolean holds() {
            return !reverted;
        }
    }

    public WorkerFacts {
        calls = Map.copyOf(calls);
        requested = List.copyOf(requested);
    }

    /**
     * Takes a presence that arrived from the UC side. A presence that shows exactly what ucsync itself
     * publishes is our own publication coming back (the UC server aggregates it into what watchers see):
     * it is not the worker's choice, so it must not replace their presence nor turn into a NotReady.
     * The cost: a worker who manually picks the very presence ucsync publishes during a call is only
     * seen once ucsync removes its publication. The same presence again (a refresh, a new subscription, whenever it
     * says it was published) is not a change: it does not end an external change, and there is nothing to save (a
     * front end's restart tells every worker's presence again).
     */
    public WorkerFacts withPresenceFromUc(Presence presence) {
        if (presence.sameAs(ownPresence) || (published != null && published.isShownBy(presence))) {
            return this;
        }
        return new WorkerFacts(
                presence,
                contactCenterDnd,
                previewDeclinedUntil,
                calls,
                reportedAgentState,
                requested,
                null,
                published);
    }

    public WorkerFacts withContactCenterDnd(boolean on) {
        return new WorkerFacts(
                ownPresence,
                on,
                previewDeclinedUntil,
                calls,
                reportedAgentState,
                requested,
                on == contactCenterDnd ? externalChange : null,
                published);
    }

    /** A preview declined (a window until {@code until}), or its window over (null): either is an input of ucsync's. */
    public WorkerFacts withPreviewDeclinedUntil(Instant until) {
        return new WorkerFacts(
                ownPresence, contactCenterDnd, until, calls, reportedAgentState, requested, null, published);
    }

    public WorkerFacts withCallPhase(String connId, CallPhase phase) {
        Map<String, CallPhase> changed = new HashMap<>(calls);
        changed.put(connId, phase);
        return withCalls(changed);
    }

    public WorkerFacts withCallEnded(String connId) {
        Map<String, CallPhase> changed = new HashMap<>(calls);
        changed.remove(connId);
        return withCalls(changed);
    }

    private WorkerFacts withCalls(Map<String, CallPhase> changed) {
        return new WorkerFacts(
                ownPresence,
                contactCenterDnd,
                previewDeclinedUntil,
                changed,
                reportedAgentState,
                requested,
                externalChange,
                published);
    }

    /** The agent state the T-Server reported (null: not known any more); a state ucsync requested is no longer awaited. */
    public WorkerFacts withReportedAgentState(AgentState state) {
        return new WorkerFacts(
                ownPresence,
                contactCenterDnd,
                previewDeclinedUntil,
                calls,
                state,
                withoutRequested(state),
                externalChange,
                published);
    }

    /** A request for this state goes out (saved before it does). */
    public WorkerFacts withRequested(AgentState state) {
        List<AgentState> more = new ArrayList<>(requested);
        more.add(state);
        return new WorkerFacts(
                ownPresence,
                contactCenterDnd,
                previewDeclinedUntil,
                calls,
                reportedAgentState,
                more.subList(Math.max(0, more.size() - MAX_REQUESTED), more.size()),
                externalChange,
                published);
    }

    /** The T-Server refused a request for this state: it will not report it. */
    public WorkerFacts withRequestRefused(AgentState state) {
        return new WorkerFacts(
                ownPresence,
                contactCenterDnd,
                previewDeclinedUntil,
                calls,
                reportedAgentState,
                withoutRequested(state),
                externalChange,
                published);
    }

    /** After a resync the T-Server's report is the whole truth: nothing ucsync asked before it is awaited any more. */
    public WorkerFacts withRequestsSettled() {
        return new WorkerFacts(
                ownPresence,
                contactCenterDnd,
                previewDeclinedUntil,
                calls,
                reportedAgentState,
                List.of(),
                externalChange,
                published);
    }

    private List<AgentState> withoutRequested(AgentState state) {
        if (state == null || !requested.contains(state)) {
            return requested;
        }
        List<AgentState> fewer = new ArrayList<>(requested);
        fewer.remove(state);
        return fewer;
    }

    /** The agent state another T-Server client (or the T-Server) set, and how ucsync takes it. */
    public WorkerFacts withExternalChange(AgentState state, ExternalChange change) {
        return new WorkerFacts(
                ownPresence, contactCenterDnd, previewDeclinedUntil, calls, state, requested, change, published);
    }

    public WorkerFacts withPublished(PublishedPresence presence) {
        return new WorkerFacts(
                ownPresence,
                contactCenterDnd,
                previewDeclinedUntil,
                calls,
                reportedAgentState,
                requested,
                externalChange,
                presence);
    }

    /**
     * Whether these facts differ from {@code before} only in what the UC side and the T-Server tell again after a
     * restart: the worker's own presence (in the first NOTIFY of the new subscription), the reported agent state and
     * which requests are still awaited (in the resync's EventAddressInfo, which settles them). Calls, the worker's own
     * choices, what ucsync published and a change made outside ucsync are told by nobody again.
     */
    public boolean differsOnlyInRetoldFacts(WorkerFacts before) {
        return contactCenterDnd == before.contactCenterDnd
                && Objects.equals(previewDeclinedUntil, before.previewDeclinedUntil)
                && calls.equals(before.calls)
                && Objects.equals(externalChange, before.externalChange)
                && Objects.equals(published, before.published);
    }

    /** Whether the worker has a call that counts as being on a call: an answered one, or with {@code ringing} any. */
    public boolean onCall(boolean ringingCounts) {
        return calls.values().stream().anyMatch(phase -> ringingCounts || phase == CallPhase.ESTABLISHED);
    }

    public boolean inPreviewDeclineWindow(Instant now) {
        return previewDeclinedUntil != null && now.isBefore(previewDeclinedUntil);
    }

    /** Whether ucsync leaves the agent state as another T-Server client set it. */
    public boolean heldByExternalChange() {
        return externalChange != null && externalChange.holds();
    }
}
