package io.ucsync.engine;

import java.time.Instant;

import io.ucsync.tlib.protocol.AgentWorkMode;
import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMap;
import io.ucsync.presence.PublishedPresence;

/**
 * The one rule of ucsync: from a worker's facts, the presence map and the options, what the worker's
 * agent state and published presence should be. Pure: no I/O, no clock of its own, so restarts,
 * reconnects, duplicate notifications and reloads are all handled by computing it again.
 */
public final class DesiredStateFunction {

    private DesiredStateFunction() {
    }

    public static Desired desired(WorkerFacts facts, PresenceMap map, EngineOptions options, Instant now) {
        if (options.syncMode() == EngineOptions.SyncMode.CONNECTOR) {
            // Connector mode publishes the agent state; whoever changes it (another T-Server client) stays in charge of it.
            PublishedPresence publish = facts.reportedAgentState() == null ? null
                    : map.presenceFor(facts.reportedAgentState(), facts.onCall());
            return new Desired(null, publish);
        }
        PublishedPresence publish = options.onCallStatusEnabled() && facts.onCall() ? options.onCallStatus() : null;
        return new Desired(desiredAgentState(facts, map, options, now), publish);
    }

    private static AgentState desiredAgentState(WorkerFacts facts, PresenceMap map, EngineOptions options, Instant now) {
        if (facts.contactCenterDnd()) {
            return AgentState.notReady(AgentWorkMode.AuxWork, options.contactCenterDndReason());
        }
        if (facts.inPreviewDeclineWindow(now)) {
            return AgentState.notReady(AgentWorkMode.AuxWork, options.previewDeclineReason());
        }
        return facts.ownPresence() == null ? null : map.agentStateFor(facts.ownPresence());
    }
}
