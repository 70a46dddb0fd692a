package io.ucsync.engine;

import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMap;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.tlib.protocol.AgentWorkMode;
import java.time.Instant;

/**
 * The one rule of ucsync: from a worker's facts, the worker's presence map and the options, what the worker's
 * agent state and published presence should be, and why (naming the map's rule that decided). Pure: no I/O, no clock of its own, so restarts,
 * reconnects, duplicate notifications and reloads are all handled by computing it again.
 */
public final class DesiredStateFunction {

    private DesiredStateFunction() {}

    public static Desired desired(WorkerFacts facts, PresenceMap map, EngineOptions options, Instant now) {
        boolean onCall = facts.onCall(options.ringingCounts());
        if (options.syncMode() == EngineOptions.SyncMode.CONNECTOR) {
            // Connector mode publishes the agent state; whoever changes it (another T-Server client) stays in charge of
            // it.
            PublishedPresence publish =
                    facts.reportedAgentState() == null ? null : map.presenceFor(facts.reportedAgentState(), onCall);
            return new Desired(null, publish, "connector mode: ucsync publishes the agent state and never changes it");
        }
        PublishedPresence publish = options.pushStatus() && onCall ? options.onCallStatus() : null;
        if (facts.heldByExternalChange()) {
            return new Desired(
                    null,
                    publish,
                    "the agent state was set by another T-Server client; ucsync leaves it until the worker's"
                            + " presence, contact-center DND or preview changes");
        }
        Desired fromInputs = fromInputs(facts, map, options, now);
        return new Desired(fromInputs.agentState(), publish, fromInputs.reason());
    }

    /**
     * The agent state ucsync's own inputs ask for (presence, contact-center DND, a declined preview), whether or not
     * an external change holds the agent; with its reason.
     */
    public static Desired fromInputs(WorkerFacts facts, PresenceMap map, EngineOptions options, Instant now) {
        if (facts.contactCenterDnd()) {
            return new Desired(
                    AgentState.notReady(AgentWorkMode.AuxWork, options.contactCenterDndReason()),
                    null,
                    "the worker set contact-center Do-Not-Disturb");
        }
        if (facts.inPreviewDeclineWindow(now)) {
            return new Desired(
                    AgentState.notReady(AgentWorkMode.AuxWork, options.previewDeclineReason()),
                    null,
                    "the worker declined a preview; NotReady until " + facts.previewDeclinedUntil());
        }
        if (facts.ownPresence() == null) {
            return new Desired(null, null, "no presence known yet: ucsync leaves the agent as it is");
        }
        PresenceMap.Rule rule = map.ruleFor(facts.ownPresence());
        return new Desired(
                rule.agentState(),
                null,
                "presence " + facts.ownPresence().describe() + " maps to " + rule.agentState() + " (" + rule + ")");
    }
}
