package io.ucsync.engine;

import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMaps;
import io.ucsync.config.RosterEntry;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Clock;

/**
 * The rules for an agent state the T-Server reports without answering one of ucsync's requests: who brought it about,
 * and whether it stands (src/main/docs/engine-and-routes.md "Changes made outside ucsync" has the cases). Kept apart
 * from the {@link SyncEngine}, which applies them on the worker's lane, so that what counts as a change made outside
 * ucsync, and when ucsync reverts one, is read in one place.
 */
record ExternalChangeRules(PresenceMaps maps, EngineOptions options, Clock clock) {

    /** Who brought about an agent state the T-Server reports without answering one of ucsync's requests. */
    enum ReportOrigin {
        UCSYNC,
        SOMEONE_ELSE,
        LOST_BY_TSERVER
    }

    /** A change ucsync did not make: the worker's facts with it, and the cause the audit log gives. */
    record Change(WorkerFacts facts, String cause) {}

    /**
     * Whether an agent state the T-Server reports without answering one of ucsync's requests was set by someone else:
     * an agent desktop, a supervisor, the T-Server itself.
     * <ul>
     * <li>The state ucsync already knew, or one its requests lead to that the T-Server has not reported yet (the event
     * that follows a login, a request whose answer was lost with the connection or with ucsync's process), is not a
     * change by someone else.</li>
     * <li>After a resync, the state ucsync's own inputs ask for is not one either (a request that reached the
     * T-Server before ucsync stopped). LoggedOut while ucsync knew the agent logged in is what a T-Server that lost
     * its agents (restarted empty) reports, and after a switchover any difference is what the new server missed:
     * ucsync restores the agent, whoever had set it before.</li>
     * </ul>
     */
    ReportOrigin originOf(
            RosterEntry worker, WorkerFacts facts, AgentState reported, boolean fromResync, boolean onNewServer) {
        AgentState known = facts.reportedAgentState();
        if (known == null || reported.equals(known) || facts.requested().contains(reported)) {
            return ReportOrigin.UCSYNC;
        }
        if (!fromResync) {
            return ReportOrigin.SOMEONE_ELSE;
        }
        if (onNewServer || reported instanceof AgentState.LoggedOut) {
            return ReportOrigin.LOST_BY_TSERVER;
        }
        return reported.equals(DesiredStateFunction.fromInputs(facts, maps.forWorker(worker), options, clock.instant())
                        .agentState())
                ? ReportOrigin.UCSYNC
                : ReportOrigin.SOMEONE_ELSE;
    }

    /**
     * Another T-Server client (or the T-Server) changed the agent. It stands, unless ucsync is told to revert such
     * changes and has not yet answered one since its own last input.
     */
    Change bySomeoneElse(WorkerFacts facts, AgentState reported, TlibMessage event) {
        boolean revert =
                options.externalChanges() == EngineOptions.ExternalChanges.REVERT && facts.externalChange() == null;
        WorkerFacts changed =
                facts.withExternalChange(reported, new WorkerFacts.ExternalChange(clock.instant(), revert));
        String cause = event.name() + ": set by another T-Server client"
                + (revert
                        ? "; ucsync reverts it (external-changes=revert)"
                        : options.externalChanges() == EngineOptions.ExternalChanges.REVERT
                                ? "; left as it is (ucsync reverted one already since the worker's last change)"
                                : "");
        return new Change(changed, cause);
    }

    /** The T-Server lost the agent (restarted empty, or taken over after a switchover): ucsync restores it. */
    Change lostByTServer(WorkerFacts facts, AgentState reported, TlibMessage event, boolean onNewServer) {
        String cause = event.name()
                + (onNewServer
                        ? ": the T-Server taken over after a switchover did not have it; ucsync restores it"
                        : ": the T-Server lost the agent; ucsync restores it");
        return new Change(facts.withExternalChange(reported, null), cause);
    }
}
