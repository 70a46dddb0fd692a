package io.ucsync.engine;

import io.ucsync.config.EngineOptions;
import io.ucsync.config.PresenceMaps;
import io.ucsync.config.Roster;
import io.ucsync.config.RosterEntry;
import io.ucsync.engine.ExternalChangeRules.Change;
import io.ucsync.engine.ExternalChangeRules.ReportOrigin;
import io.ucsync.presence.Availability;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceSource;
import io.ucsync.presence.PublishedPresence;
import io.ucsync.sip.PresencePublication;
import io.ucsync.state.WorkerRegistry;
import io.ucsync.state.WorkerRegistry.Decision;
import io.ucsync.timers.DurableTimers;
import io.ucsync.timers.FiredTimer;
import io.ucsync.tlib.link.LinkDownException;
import io.ucsync.tlib.link.RequestExpiredException;
import io.ucsync.tlib.link.TServerErrorException;
import io.ucsync.tlib.link.TServerTimeoutException;
import io.ucsync.tlib.protocol.ErrorCode;
import io.ucsync.tlib.protocol.MessageType;
import io.ucsync.tlib.protocol.TlibMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine the routes call: every input (a presence, a T-Server event or answer, a timer, a worker's own choice)
 * becomes a change of that worker's facts, and then, on the worker's lane, the desired state is computed again and
 * compared with the actual one. What comes back is the list of {@link Command}s that close the gap: requests for the
 * T-Server and publications for the UC side; the routes send them and report the answers. Besides the saved facts,
 * the engine keeps the {@link OutstandingRequests} of each worker; {@link ExternalChangeRules} say what a change made
 * outside ucsync means, and {@link WorkerViews} is what the KW page and the dashboard read.
 */
public final class SyncEngine {

    /** The Quartz timer kind that ends the NotReady window after a declined preview. */
    public static final String PREVIEW_DECLINE_TIMER = "preview-decline";

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    private final WorkerRegistry registry;
    private final DurableTimers timers;
    private final Clock clock;
    private final EngineOptions options;
    private volatile Roster roster;
    private final PresenceMaps maps;
    private final LaneChanges lanes;
    private final OutstandingRequests outstanding = new OutstandingRequests();
    private final ExternalChangeRules externalChangeRules;
    /** When each T-Server last reported its switch link up ({@link System#nanoTime()}). */
    private final Map<String, Long> switchLinkUpAt = new ConcurrentHashMap<>();

    private volatile EngineMetrics metrics = EngineMetrics.NONE;

    /**
     * @param requestSendLimit how long after its decision was saved a request may still be sent, or null for no
     *                         limit: in a cluster a decision is only as good as the node's hold on the worker's
     *                         partition, which may lapse while the node is paused
     *                         ({@link io.ucsync.cluster.ClusterOptions#requestSendLimit})
     */
    public SyncEngine(
            Roster roster,
            PresenceMaps maps,
            EngineOptions options,
            WorkerRegistry registry,
            DurableTimers timers,
            Clock clock,
            Duration requestSendLimit) {
        this.roster = roster;
        this.maps = maps;
        this.options = options;
        this.registry = registry;
        this.timers = timers;
        this.clock = clock;
        this.lanes = new LaneChanges(registry, requestSendLimit);
        this.externalChangeRules = new ExternalChangeRules(maps, options, clock);
    }

    // ---- configuration ----

    public Roster roster() {
        return roster;
    }

    /**
     * A new, already validated roster whose maps are loaded ({@link PresenceMaps#loadNamedBy}): workers no longer
     * listed are left alone from now on.
     */
    public void setRoster(Roster roster) {
        this.roster = roster;
    }

    public void setMetrics(EngineMetrics metrics) {
        this.metrics = metrics;
    }

    public boolean isRostered(String sipUri) {
        return sipUri != null && roster.bySipUri(sipUri).isPresent();
    }

    // ---- inputs ----

    /** A presence from the UC side. */
    public List<Command> onPresence(Presence presence) {
        metrics.presenceIn();
        return withWorker(
                roster.bySipUri(presence.sipUri()),
                "presence " + presence.describe(),
                facts -> facts.withPresenceFromUc(presence));
    }

    /**
     * An event from the T-Server: unsolicited, or the EventAddressInfo of a resync ({@code fromResync}), which
     * {@code onNewServer} says followed a switchover to another server.
     */
    public List<Command> onTServerEvent(TlibMessage event, boolean fromResync, boolean onNewServer) {
        Optional<RosterEntry> worker = event.getThisDN() == null ? Optional.empty() : roster.byDn(event.getThisDN());
        if (worker.isEmpty()) {
            return List.of();
        }
        String sipUri = worker.get().sipUri();
        return lanes.decide(sipUri, event.name(), facts -> {
            if (fromResync) {
                outstanding.resynced(sipUri, event);
            } else if (outstanding.isStale(sipUri, event)) {
                return new Decision<>(facts, List.of());
            }
            AgentState reported = AgentRequests.reportedBy(event);
            ReportOrigin origin = reported == null
                    ? ReportOrigin.UCSYNC
                    : externalChangeRules.originOf(worker.get(), facts, reported, fromResync, onNewServer);
            // after a resync the report is the whole truth: requests not reflected in it were lost or superseded
            WorkerFacts settled = fromResync ? facts.withRequestsSettled() : facts;
            if (origin == ReportOrigin.UCSYNC) {
                return reconcile(worker.get(), applyEvent(sipUri, settled, event), event.name());
            }
            outstanding.recordSequence(sipUri, event);
            Change change = origin == ReportOrigin.SOMEONE_ELSE
                    ? externalChangeRules.bySomeoneElse(settled, reported, event)
                    : externalChangeRules.lostByTServer(settled, reported, event, onNewServer);
            return reconcile(worker.get(), change.facts(), change.cause()).auditedAs(change.cause());
        });
    }

    /** The direct response to a request the engine decided on. */
    public List<Command> onResponse(TServerRequest request, TlibMessage response) {
        Optional<RosterEntry> worker = roster.bySipUri(request.sipUri());
        if (worker.isEmpty()) {
            return List.of();
        }
        metrics.requestAnswered(
                request.tserver(),
                request.request().name(),
                Duration.ofNanos(System.nanoTime() - request.decidedAtNanos()));
        String cause =
                response.name() + " answering " + request.request().name() + ", sent because " + request.purpose();
        return lanes.decide(request.sipUri(), cause, facts -> {
            outstanding.answered(request.sipUri(), null);
            WorkerFacts changed = outstanding.isStale(request.sipUri(), response)
                    ? facts
                    : applyEvent(request.sipUri(), facts, response);
            // a request still needed after this answer is sent for the input the answered one was sent for
            return reconcile(worker.get(), changed, request.cause());
        });
    }

    /** A request that got no answer: refused (EventError), timed out, or lost with the connection. */
    public List<Command> onRequestFailed(TServerRequest request, Exception error) {
        Optional<RosterEntry> worker = roster.bySipUri(request.sipUri());
        if (worker.isEmpty()) {
            return List.of();
        }
        metrics.requestFailed(request.tserver(), request.request().name(), failureReason(error));
        boolean noSwitchLink = error instanceof TServerErrorException refusal && refusal.getError() == ErrorCode.NoLink;
        boolean expired = error instanceof RequestExpiredException;
        if (error instanceof LinkDownException || noSwitchLink || expired) {
            // nothing of it was carried out. With the link down, the next resync, or EventLinkConnected, brings a
            // reconcile of every worker. Not sent in time, it is decided again now, under the worker's fence: a node
            // that lost the worker while it was paused is refused, one that still holds it sends what is still needed
            String logged = "{}: {} not carried out: {}";
            if (expired) {
                LOG.warn(logged, request.sipUri(), request.request().name(), error.getMessage());
            } else {
                LOG.info(logged, request.sipUri(), request.request().name(), error.getMessage());
            }
            // the switch link may be up again already: its EventLinkConnected can overtake this refusal (they come on
            // two paths), and its reconcile then saw this request still on its way and planned nothing
            boolean switchLinkBackSince = noSwitchLink
                    && switchLinkUpAt.getOrDefault(request.tserver(), request.decidedAtNanos())
                                    - request.decidedAtNanos()
                            > 0;
            String note =
                    request.request().name() + " for " + request.cause() + " not carried out: " + error.getMessage();
            return lanes.decide(request.sipUri(), expired ? "request not sent in time" : "link down", facts -> {
                outstanding.answered(request.sipUri(), null);
                WorkerFacts notCarriedOut = noSwitchLink ? facts.withRequestRefused(request.target()) : facts;
                Decision<List<Command>> decision =
                        (expired || switchLinkBackSince) && outstanding.unanswered(request.sipUri()) == 0
                                ? reconcile(worker.get(), notCarriedOut, request.cause())
                                : new Decision<>(notCarriedOut, List.of());
                return decision.withAuditNote(note);
            });
        }
        LOG.warn("{}: {}", request.sipUri(), error.getMessage());
        // "agent not logged in" says the engine's picture was out of date (a login still on its way, requests of two
        // inputs overtaking each other), not that the T-Server will never take the target: the query below brings the
        // true state, and the reconcile after it asks again. Other refusals stand until the desired state moves.
        boolean outOfDate =
                error instanceof TServerErrorException refusal && refusal.getError() == ErrorCode.AgentNotLoggedIn;
        AgentState refused = error instanceof TServerErrorException && !outOfDate ? request.target() : null;
        return lanes.decide(request.sipUri(), "request failed", before -> {
            outstanding.answered(request.sipUri(), refused);
            // a refused request changed nothing; one that timed out may yet have been carried out
            WorkerFacts facts =
                    error instanceof TServerErrorException ? before.withRequestRefused(request.target()) : before;
            if (request.target() == null || outstanding.unanswered(request.sipUri()) > 0) {
                return new Decision<>(facts, List.of()); // a failed query is not asked again at once
            }
            // the actual state is not known for sure any more: ask before anything else
            TServerRequest query =
                    send(worker.get(), new AgentAction.Query(), "state unknown after a failed request", null);
            return new Decision<>(facts.withReportedAgentState(null), List.of(query));
        });
    }

    /**
     * A T-Server's switch link is up again: requests refused meanwhile (EventError 54) were not marked refused,
     * so a reconcile of every worker of that T-Server sends what is still needed.
     */
    public List<Command> onSwitchLinkUp(String tserver) {
        switchLinkUpAt.put(tserver, System.nanoTime());
        return reconcile(
                roster.entries().stream()
                        .filter(worker -> worker.tserver().equals(tserver))
                        .toList(),
                "switch link of T-Server " + tserver + " up");
    }

    /** A publication to the UC side failed: forget it, so the next reconcile publishes again. */
    public List<Command> onPublicationFailed(UcPublication command, Exception error) {
        PresencePublication publication = command.publication();
        LOG.warn(
                "{}: publication {} failed: {}",
                publication.sipUri(),
                publication.remove() ? "removal" : "",
                error.getMessage());
        if (publication.remove() || !isRostered(publication.sipUri())) {
            return List.of();
        }
        PublishedPresence failed = new PublishedPresence(publication.availability(), publication.activity());
        return lanes.decide(
                publication.sipUri(),
                "publication failed",
                facts -> new Decision<>(
                        failed.equals(facts.published()) ? facts.withPublished(null) : facts, List.of()));
    }

    /** A durable timer fired. */
    public List<Command> onTimer(FiredTimer timer) {
        if (!PREVIEW_DECLINE_TIMER.equals(timer.kind())) {
            LOG.warn("timer of unknown kind {} for {} ignored", timer.kind(), timer.workerKey());
            return List.of();
        }
        Instant now = clock.instant();
        return withWorker(
                roster.bySipUri(timer.workerKey()),
                "preview-decline window over",
                facts -> facts.inPreviewDeclineWindow(now) ? facts : facts.withPreviewDeclinedUntil(null));
    }

    /** The worker declined a preview now: NotReady for the configured timeout, then the presence applies again. */
    public List<Command> declinePreview(String sipUri) {
        return declinePreview(sipUri, clock.instant());
    }

    /**
     * The worker declined a preview at that time (through another node, which left it for this one): the window is
     * counted from then, so that a decline applied twice gives the window that applying it once gave.
     */
    public List<Command> declinePreview(String sipUri, Instant declinedAt) {
        Instant until = declinedAt.plus(options.notReadyTimeout());
        List<Command> commands =
                withWorker(roster.bySipUri(sipUri), "preview declined", facts -> facts.withPreviewDeclinedUntil(until));
        scheduleWindowEnd(sipUri, until);
        return commands;
    }

    /**
     * The worker has no KW-page session any more (signed out, or left it idle), while ucsync subscribes only to
     * signed-in workers: the subscription ends, so the agent is logged out as if the worker had gone offline.
     */
    public List<Command> signedOut(String sipUri, String cause) {
        Optional<RosterEntry> worker = roster.bySipUri(sipUri);
        if (worker.isEmpty()) {
            return List.of();
        }
        Presence offline = new Presence(sipUri, Availability.OFFLINE, null, PresenceSource.USER, clock.instant());
        return lanes.decide(sipUri, cause, facts -> {
            WorkerFacts signedOut = facts.withPresenceFromUc(offline);
            // noted when it changes something: the logout it brings may come only after the T-Server's report
            return signedOut.equals(facts)
                    ? new Decision<>(facts, List.of())
                    : reconcile(worker.get(), signedOut, cause).withAuditNote(cause);
        });
    }

    /** The worker's "unavailable for contact-center work" flag, set in ucsync's page. */
    public List<Command> setContactCenterDnd(String sipUri, boolean on) {
        return withWorker(
                roster.bySipUri(sipUri),
                "contact-center DND " + (on ? "on" : "off"),
                facts -> facts.withContactCenterDnd(on));
    }

    /**
     * Before the T-Server has reported these workers (the link's resync after it connects, or the registration of a
     * DN this node starts to watch), their saved agent state may be stale: nothing is sent for them until the report
     * comes. Called before this node acts for them, so that no input can come first.
     */
    public void awaitReports(List<RosterEntry> workers) {
        lanes.onEachLane(workers, outstanding::awaitReport);
    }

    /**
     * Sets again the timer of every preview-decline window of these workers still open: it may have been set just
     * before a crash, or by the node that owned them before.
     */
    public void rearmTimers(List<RosterEntry> workers) {
        Instant now = clock.instant();
        for (RosterEntry worker : workers) {
            WorkerFacts facts = registry.facts(worker.sipUri());
            if (facts.inPreviewDeclineWindow(now)) {
                scheduleWindowEnd(worker.sipUri(), facts.previewDeclinedUntil());
            }
        }
    }

    /**
     * Forgets what was asked about these workers and not heard back about: this node no longer acts for them (another
     * node owns them now, and asks the T-Server itself).
     */
    public void forget(List<RosterEntry> workers) {
        workers.forEach(worker -> outstanding.forget(worker.sipUri()));
    }

    /** Whether requests sent for any of these workers are still unanswered. */
    public boolean awaitingAnswers(List<RosterEntry> workers) {
        return workers.stream().anyMatch(worker -> outstanding.awaitingAnswer(worker.sipUri()));
    }

    /**
     * Computes these workers' desired state again and returns what closes the gaps: after a change of the presence
     * map that decides for them, or when their T-Server's switch link is back. Workers another node owns are left
     * to that node.
     */
    public List<Command> reconcile(List<RosterEntry> workers, String cause) {
        return lanes.decideEach(workers, cause, (worker, facts) -> reconcile(worker, facts, cause));
    }

    // ---- the core ----

    private List<Command> withWorker(Optional<RosterEntry> worker, String cause, UnaryOperator<WorkerFacts> change) {
        if (worker.isEmpty()) {
            return List.of();
        }
        return lanes.decide(worker.get().sipUri(), cause, facts -> reconcile(worker.get(), change.apply(facts), cause));
    }

    /** On the worker's lane: the commands that move the worker from its facts to its desired state. */
    private Decision<List<Command>> reconcile(RosterEntry worker, WorkerFacts facts, String cause) {
        String sipUri = worker.sipUri();
        Desired desired = DesiredStateFunction.desired(facts, maps.forWorker(worker), options, clock.instant());
        List<Command> commands = new ArrayList<>();
        AgentState wanted = desired.agentState();
        WorkerFacts next = facts;
        if (wanted != null && !outstanding.stillRefused(sipUri, wanted) && !outstanding.queryOnItsWay(sipUri)) {
            AgentState basis = outstanding.leadsTo(sipUri, facts.reportedAgentState());
            for (AgentAction action : ReconcilePlan.between(basis, wanted)) {
                TServerRequest request = send(worker, action, cause, desired.reason());
                commands.add(request);
                if (request.target() != null) {
                    next = next.withRequested(request.target());
                }
            }
        }
        if (!Objects.equals(desired.publish(), facts.published())) {
            commands.add(new UcPublication(
                    worker.poolOrDefault(),
                    desired.publish() == null
                            ? PresencePublication.remove(sipUri)
                            : PresencePublication.publish(
                                    sipUri,
                                    desired.publish().availability(),
                                    desired.publish().activity())));
            // recorded before it goes out: the UC side may echo it back before it answers
            next = facts.withPublished(desired.publish());
        }
        return new Decision<>(next, commands);
    }

    /** On the worker's lane: a request about to go out. */
    private TServerRequest send(RosterEntry worker, AgentAction action, String cause, String reason) {
        TServerRequest request = AgentRequests.toRequest(worker, action, cause, reason);
        metrics.requestSent(request.tserver(), request.request().name());
        outstanding.sent(worker.sipUri(), request.target());
        return request;
    }

    private WorkerFacts applyEvent(String sipUri, WorkerFacts facts, TlibMessage event) {
        outstanding.recordSequence(sipUri, event);
        MessageType type = event.type();
        String connId = event.getConnId() == null ? null : event.getConnId().toString();
        if (type == MessageType.EventRinging || type == MessageType.EventDialing) {
            return connId == null ? facts : facts.withCallPhase(connId, WorkerFacts.CallPhase.ALERTING);
        }
        if (type == MessageType.EventEstablished) {
            return connId == null ? facts : facts.withCallPhase(connId, WorkerFacts.CallPhase.ESTABLISHED);
        }
        if (type == MessageType.EventReleased) {
            return connId == null ? facts : facts.withCallEnded(connId);
        }
        AgentState reported = AgentRequests.reportedBy(event);
        if (reported == null) {
            return facts;
        }
        if (type == MessageType.EventAgentLogin
                && reported instanceof AgentState.NotReady notReady
                && notReady.reasonCode() == null
                && facts.reportedAgentState() instanceof AgentState.NotReady) {
            return facts; // a login answer without reasons: the EventAgentNotReady that follows says which
        }
        return facts.withReportedAgentState(reported);
    }

    private static String failureReason(Exception error) {
        if (error instanceof TServerErrorException refusal) {
            return String.valueOf(refusal.getErrorCode());
        }
        if (error instanceof TServerTimeoutException) {
            return "timeout";
        }
        if (error instanceof RequestExpiredException) {
            return "expired";
        }
        return error instanceof LinkDownException ? "link-down" : "error";
    }

    private void scheduleWindowEnd(String sipUri, Instant until) {
        try {
            timers.schedule(PREVIEW_DECLINE_TIMER, sipUri, until);
        } catch (SchedulerException e) {
            // the facts hold the window: the next start, or the next input after it ends, applies the presence
            LOG.error("{}: cannot set the preview-decline timer for {}: {}", sipUri, until, e.getMessage());
        }
    }
}
