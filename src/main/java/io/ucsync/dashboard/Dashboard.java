package io.ucsync.dashboard;

import io.ucsync.cluster.ClusterStatus;
import io.ucsync.cluster.PartitionOwnership;
import io.ucsync.engine.SyncEngine;
import io.ucsync.engine.WorkerViews;
import io.ucsync.sip.SipPresenceAgent;
import io.ucsync.timers.DurableTimers;
import io.ucsync.tlib.link.TServerLink;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The operator's dashboard, its parts made together: the board of every worker, the charts' history, the API's views
 * and the live feed.
 *
 * @param board   every worker's row and the overview's counts (the drift and agent-state gauges read it too)
 * @param history the charts' samples; the engine reports to it ({@link ActivityHistory#alongside})
 * @param views   the bean the dashboard's API routes call
 * @param feed    the live stream, and what the routes dashboard-feed and dashboard-sample call
 */
public record Dashboard(WorkerBoard board, ActivityHistory history, DashboardViews views, DashboardFeed feed) {

    /**
     * @param workers        every worker's saved facts, for the board
     * @param timers         the durable timers, for the count of those pending
     * @param view           what the dashboard shows of a worker (the KW view: the worker's facts and desired state,
     *                       and the preview offered)
     * @param links          the T-Server links, once the context has started
     * @param pools          the UC pools' user agents, once the context has started
     * @param operatorCookie whether a request's Cookie header carries the operator's session
     * @param cluster        the cluster's nodes and who owns each partition, for the overview and the owner filter
     */
    public static Dashboard of(
            SyncEngine engine,
            WorkerViews workers,
            DurableTimers timers,
            Function<String, Map<String, Object>> view,
            Supplier<Collection<TServerLink>> links,
            Supplier<Collection<SipPresenceAgent>> pools,
            Predicate<String> operatorCookie,
            PartitionOwnership ownership,
            ClusterStatus cluster,
            Clock clock) {
        WorkerBoard board = new WorkerBoard(() -> engine.roster().entries(), workers::facts, view, ownership::ownerOf);
        ActivityHistory history = new ActivityHistory();
        ConnectionStatus connections = new ConnectionStatus(links, pools);
        DashboardViews views = new DashboardViews(
                board, history, connections, view, engine::isRostered, timers, cluster::summary, clock);
        return new Dashboard(
                board, history, views, new DashboardFeed(board, views, history, connections, operatorCookie, clock));
    }
}
