package io.ucsync.dashboard;

import io.ucsync.cluster.ClusterStatus;
import io.ucsync.http.RequestRefused;
import io.ucsync.timers.DurableTimers;
import io.ucsync.timers.PendingTimer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.camel.Headers;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard's API answers and its stream sends, as JSON-ready maps: the overview (counts, drift, links and
 * pools with their reasons, timers, offers, the cluster's nodes), the charts' last 15 minutes, a page of the worker table, and one worker's
 * page. Every figure comes from the {@link WorkerBoard} and the samples kept, never from a pass over every worker's
 * view.
 */
public final class DashboardViews {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardViews.class);

    private final WorkerBoard board;
    private final ActivityHistory history;
    private final ConnectionStatus connections;
    private final Function<String, Map<String, Object>> view;
    private final Predicate<String> rostered;
    private final DurableTimers timers;
    private final Supplier<Map<String, Object>> clusterSummary;
    private final Clock clock;
    /** Counted by {@link #countTimers()}: Quartz reads its store for it. */
    private volatile Integer timersPending;
    /** Read by {@link #readCluster()}: the store names the nodes that last took partitions over. */
    private volatile Map<String, Object> cluster;

    /**
     * @param clusterSummary this node and the cluster's nodes with the partitions each acts for ({@link ClusterStatus#summary})
     */
    DashboardViews(
            WorkerBoard board,
            ActivityHistory history,
            ConnectionStatus connections,
            Function<String, Map<String, Object>> view,
            Predicate<String> rostered,
            DurableTimers timers,
            Supplier<Map<String, Object>> clusterSummary,
            Clock clock) {
        this.board = board;
        this.history = history;
        this.connections = connections;
        this.view = view;
        this.rostered = rostered;
        this.timers = timers;
        this.clusterSummary = clusterSummary;
        this.clock = clock;
    }

    /** GET /api/dashboard/overview, and the stream's {@code overview} event. */
    public Map<String, Object> overview() {
        WorkerBoard.Tally tally = board.tally();
        Map<String, Object> overview = new LinkedHashMap<>();
        overview.put("now", clock.instant().toString());
        overview.put("workers", tally.workers());
        overview.put("agentStates", tally.agentStates());
        overview.put("notReadyReasons", tally.notReadyReasons());
        overview.put("presences", tally.presences());
        overview.put("drift", tally.drift());
        overview.put("flags", tally.flags());
        overview.put("offers", tally.flags().get(WorkerRow.Flag.PREVIEW_OFFERED.apiName));
        overview.put("declineWindows", tally.flags().get(WorkerRow.Flag.PREVIEW_DECLINED.apiName));
        overview.put("timersPending", timersPending);
        overview.put("tservers", withWorkers(connections.tservers(), tally.tservers()));
        overview.put("pools", withWorkers(connections.pools(), tally.pools()));
        overview.put("cluster", cluster == null ? null : withWorkers(cluster, tally.partitions()));
        return overview;
    }

    /** GET /api/dashboard/history: the samples of the last 15 minutes, as columns. */
    public Map<String, Object> history() {
        return history.series();
    }

    /** GET /api/dashboard/workers: the page of the table the query parameters ask for. */
    public Map<String, Object> workers(@Headers Map<String, Object> parameters) {
        return page(WorkerQuery.from(name ->
                parameters.get(name) == null ? null : parameters.get(name).toString()));
    }

    /**
     * GET /api/dashboard/workers/{worker}: a worker's page: their view (facts, what ucsync computes and why), drift,
     * and the timers waiting to fire for them.
     *
     * @throws RequestRefused 404 for a worker not in the roster
     */
    public Map<String, Object> worker(String sipUri) throws SchedulerException {
        if (!rostered.test(sipUri)) {
            throw RequestRefused.notFound("no such worker in the roster");
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("now", clock.instant().toString());
        page.put("worker", row(sipUri, view.apply(sipUri)));
        List<Map<String, Object>> pending = new ArrayList<>();
        for (PendingTimer timer : timers.pendingOf(sipUri)) {
            pending.add(Map.of("kind", timer.kind(), "fireAt", timer.fireAt().toString()));
        }
        page.put("timers", pending);
        return page;
    }

    /** The stream's and the API's page: {offset, limit, total, workers: [views]}. */
    Map<String, Object> page(WorkerQuery query) {
        WorkerBoard.Page page = board.page(query);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("now", clock.instant().toString());
        answer.put("offset", query.offset());
        answer.put("limit", query.limit());
        answer.put("total", page.total());
        answer.put(
                "workers",
                page.rows().stream()
                        .map(row -> row(row.sipUri(), view.apply(row.sipUri())))
                        .toList());
        return answer;
    }

    /** What a table row shows of a worker: their view, and whether they drift. */
    Map<String, Object> row(String sipUri, Map<String, Object> workerView) {
        Map<String, Object> row = new LinkedHashMap<>(workerView);
        WorkerRow counted = board.row(sipUri);
        row.put("drift", WorkerRow.drifts(workerView));
        row.put("pool", counted == null ? null : counted.pool());
        return row;
    }

    /** Counts the timers waiting to fire, for the overview (Quartz reads its job store: not for every request). */
    void countTimers() {
        try {
            timersPending = timers.pendingCount();
        } catch (SchedulerException e) {
            LOG.warn("the pending timers cannot be counted: {}", e.getMessage());
            timersPending = null;
        }
    }

    /**
     * Reads the cluster's nodes and their partitions again, for the overview; whether anything changed (then the
     * workers' owners did, or a node came or went).
     */
    boolean readCluster() {
        Map<String, Object> now = clusterSummary.get();
        boolean changed = !now.equals(cluster);
        cluster = now;
        return changed;
    }

    /** The cluster's summary with each node's workers: those of the partitions it acts for. */
    private static Map<String, Object> withWorkers(
            Map<String, Object> cluster, Map<Integer, Integer> workersByPartition) {
        Map<String, Object> counted = new LinkedHashMap<>(cluster);
        counted.put(
                "nodes",
                ((List<?>) cluster.get("nodes"))
                        .stream()
                                .map(ClusterStatus.Node.class::cast)
                                .map(node -> {
                                    Map<String, Object> entry = new LinkedHashMap<>();
                                    entry.put("id", node.id());
                                    entry.put("self", node.self());
                                    entry.put("alive", node.alive());
                                    entry.put("partitions", node.partitions());
                                    entry.put(
                                            "workers",
                                            node.partitions().stream()
                                                    .mapToInt(
                                                            partition -> workersByPartition.getOrDefault(partition, 0))
                                                    .sum());
                                    return entry;
                                })
                                .toList());
        return counted;
    }

    private static List<Map<String, Object>> withWorkers(
            List<Map<String, Object>> connections, Map<String, Integer> workers) {
        return connections.stream()
                .map(connection -> {
                    Map<String, Object> counted = new LinkedHashMap<>(connection);
                    counted.put("workers", workers.getOrDefault((String) connection.get("name"), 0));
                    return counted;
                })
                .toList();
    }
}
