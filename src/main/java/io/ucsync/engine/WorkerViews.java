package io.ucsync.engine;

import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMap;
import io.ucsync.config.PresenceMaps;
import io.ucsync.config.Roster;
import io.ucsync.state.AuditEntry;
import io.ucsync.state.WorkerRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the KW page and the dashboard read of a worker: the saved facts, what the worker should be now, and the audit
 * log. Kept apart from the {@link SyncEngine} because it only reads, off the worker's lane, what the engine's changes
 * saved: nothing here can change a worker or send a command.
 */
public final class WorkerViews {

    private final Supplier<Roster> roster;
    private final PresenceMaps maps;
    private final EngineOptions options;
    private final WorkerRegistry registry;
    private final Clock clock;

    /** @param roster the engine's current roster (it changes when the roster file is reloaded) */
    public WorkerViews(
            Supplier<Roster> roster, PresenceMaps maps, EngineOptions options, WorkerRegistry registry, Clock clock) {
        this.roster = roster;
        this.maps = maps;
        this.options = options;
        this.registry = registry;
        this.clock = clock;
    }

    public WorkerFacts facts(String sipUri) {
        return registry.facts(sipUri);
    }

    /** The worker's latest agent-state changes with their causes, newest first. */
    public List<AuditEntry> audit(String sipUri, int limit) throws SQLException {
        return registry.auditFor(sipUri, limit);
    }

    /** What the worker should be now, from the saved facts. */
    private Desired desired(String sipUri) {
        return DesiredStateFunction.desired(registry.facts(sipUri), mapOf(sipUri), options, clock.instant());
    }

    /** The presence map that decides for a worker (the default one for a worker no longer rostered). */
    private PresenceMap mapOf(String sipUri) {
        return roster.get().bySipUri(sipUri).map(maps::forWorker).orElseGet(maps::defaultMap);
    }

    /**
     * What the KW page and the dashboard show of a worker: presence, agent state, flags, calls, what ucsync
     * publishes, and what the worker should be now.
     */
    public Map<String, Object> view(String sipUri) {
        WorkerFacts facts = registry.facts(sipUri);
        Desired desired = desired(sipUri);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sipUri", sipUri);
        roster.get().bySipUri(sipUri).ifPresent(worker -> {
            view.put("dn", worker.dn());
            view.put("agentId", worker.agentId());
            view.put("tserver", worker.tserver());
        });
        view.put("map", mapOf(sipUri).name());
        view.put(
                "presence",
                facts.ownPresence() == null ? null : facts.ownPresence().describe());
        view.put(
                "agentState",
                facts.reportedAgentState() == null
                        ? null
                        : facts.reportedAgentState().toString());
        view.put("contactCenterDnd", facts.contactCenterDnd());
        view.put(
                "previewDeclinedUntil",
                facts.inPreviewDeclineWindow(clock.instant())
                        ? facts.previewDeclinedUntil().toString()
                        : null);
        view.put("onCall", facts.onCall(options.ringingCounts()));
        view.put("callRinging", !facts.onCall(false) && facts.onCall(true));
        view.put(
                "published",
                facts.published() == null ? null : facts.published().toString());
        view.put(
                "desiredAgentState",
                desired.agentState() == null ? null : desired.agentState().toString());
        view.put("why", desired.reason());
        WorkerFacts.ExternalChange external = facts.externalChange();
        view.put(
                "externalChange",
                external == null
                        ? null
                        : Map.of(
                                "at",
                                external.at().toString(),
                                "by",
                                "another T-Server client",
                                "held",
                                external.holds()));
        return view;
    }
}
