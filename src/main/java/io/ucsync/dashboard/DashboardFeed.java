package io.ucsync.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ucsync.http.RequestRefused;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live feed: server-sent events at {@value #PATH} for signed-in operators. Each stream follows one
 * page of the worker table, the one its query parameters ask for ({@link WorkerQuery}: filters, offset, limit; or
 * one worker, for the worker's page). A new stream first gets the {@code overview}, the charts' {@code history}
 * and its {@code page}; then, each time the route {@code dashboard-feed} calls {@link #publishChanges()}, the
 * {@code overview} again if a worker changed, and for its page either the rows that changed ({@code workers}) or,
 * when a change moved a worker into or out of its filters, the page again ({@code page}). Changes are coalesced
 * between two calls, so a burst of presence changes costs one row per worker, and only for the workers a stream
 * shows: with 100,000 workers a browser gets its 50 rows, never everyone's view. Every second ({@link #sample()})
 * each stream gets the charts' new {@code sample} and the overview with the links, pools and cluster read again (and
 * its {@code page} again when a partition changed owner). A worker's
 * page gets neither overview nor charts: its page (the worker's row) and that row's changes.
 * <p>
 * The stream is served on camel-main's Vert.x router directly, beside the platform-http routes, because a Camel
 * exchange answers once, and this response never ends. A client that cannot keep up (its write queue full) is
 * closed; its browser reconnects and starts again from the overview and its page.
 */
public final class DashboardFeed {

    public static final String PATH = "/api/dashboard/events";

    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEEP_ALIVE = ": keep-alive\n\n";
    /** Seconds between two counts of the pending timers (Quartz reads its job store for them). */
    private static final int SECONDS_PER_TIMER_COUNT = 5;

    /** One open stream: the page it follows, and the workers on it. */
    private static final class Viewer {
        final HttpServerResponse response;
        final WorkerQuery query;
        /** The board's stream gets the overview and the charts; a worker's page follows that worker only. */
        final boolean board;

        Set<String> shown = Set.of();

        Viewer(HttpServerResponse response, WorkerQuery query) {
            this.response = response;
            this.query = query;
            this.board = query.worker() == null;
        }

        /** The overview (and the charts' events) for the board's stream, nothing for a worker's page. */
        String ifBoard(String events) {
            return board ? events : "";
        }
    }

    private final WorkerBoard board;
    private final DashboardViews views;
    private final ActivityHistory history;
    private final ConnectionStatus connections;
    private final Predicate<String> operatorCookie;
    private final Clock clock;
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Map<HttpServerResponse, Viewer> streams = new ConcurrentHashMap<>();
    private volatile boolean rosterChanged;
    private int samples;

    /**
     * @param operatorCookie whether a request's Cookie header carries the operator's session
     */
    DashboardFeed(
            WorkerBoard board,
            DashboardViews views,
            ActivityHistory history,
            ConnectionStatus connections,
            Predicate<String> operatorCookie,
            Clock clock) {
        this.board = board;
        this.views = views;
        this.history = history;
        this.connections = connections;
        this.operatorCookie = operatorCookie;
        this.clock = clock;
    }

    /** Serves the stream on the HTTP server's router. */
    public void attach(Router router) {
        router.get(PATH).handler(this::open);
    }

    /** Something the dashboard shows of this worker may have changed. */
    public void workerChanged(String sipUri) {
        changed.add(sipUri);
    }

    /** Workers came or went: the board is built again, and every stream gets its page again. */
    public void rosterChanged() {
        rosterChanged = true;
    }

    /**
     * Brings the board up to date with what changed since the last call (building it first, at the start and after a
     * roster change) and sends every stream what changed of its page; the number of workers whose row changed.
     */
    public synchronized int publishChanges() {
        if (!board.isBuilt() || rosterChanged) {
            rosterChanged = false;
            changed.clear();
            board.rebuild();
            String overview = event("overview", views.overview());
            streams.values().forEach(viewer -> write(viewer, viewer.ifBoard(overview) + pageEvent(viewer)));
            return board.tally().workers();
        }
        List<String> work = new ArrayList<>(board.offersExpiredBy(clock.instant()));
        for (String sipUri : List.copyOf(changed)) {
            changed.remove(sipUri);
            work.add(sipUri);
        }
        List<WorkerBoard.Change> changes = board.refresh(work);
        if (!changes.isEmpty() && !streams.isEmpty()) {
            String overview = event("overview", views.overview());
            streams.values().forEach(viewer -> write(viewer, viewer.ifBoard(overview) + update(viewer, changes)));
        }
        return changes.size();
    }

    /**
     * The charts' sample of the second that ends, the links, pools and cluster read again: to every stream, with the
     * overview; and every stream's page again when a partition's owner changed (the rows show it, the owner filter
     * tests it; rare: only when a node comes or goes).
     */
    public synchronized void sample() {
        connections.refresh();
        boolean clusterChanged = views.readCluster();
        if (samples++ % SECONDS_PER_TIMER_COUNT == 0) {
            views.countTimers();
        }
        ActivityHistory.Sample sample = history.sample(clock.instant().getEpochSecond(), board.tally());
        if (!streams.isEmpty()) {
            String events = event("sample", ActivityHistory.asRow(sample)) + event("overview", views.overview());
            // a worker's page gets a comment line instead, so that no proxy takes its stream for idle and closes it
            streams.values()
                    .forEach(viewer -> write(
                            viewer, (viewer.board ? events : KEEP_ALIVE) + (clusterChanged ? pageEvent(viewer) : "")));
        }
    }

    private void open(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (!operatorCookie.test(context.request().getHeader(HttpHeaders.COOKIE))) {
            refuse(response, 401, "the dashboard needs the operator's sign-in");
            return;
        }
        WorkerQuery query;
        try {
            query = WorkerQuery.from(context.request()::getParam);
        } catch (RequestRefused refused) {
            refuse(response, refused.status(), refused.getMessage());
            return;
        }
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(closed -> streams.remove(response));
        Viewer viewer = new Viewer(response, query);
        // off the event loop: the first page is a pass over every worker's row, and the board may be being built
        context.vertx()
                .executeBlocking(
                        () -> {
                            synchronized (this) {
                                write(
                                        viewer,
                                        "retry: 2000\n\n"
                                                + viewer.ifBoard(event("overview", views.overview())
                                                        + event("history", history.series()))
                                                + pageEvent(viewer));
                                if (!response.closed()) {
                                    streams.put(response, viewer);
                                }
                            }
                            return null;
                        },
                        false);
        // a page opens one stream per filter or page it shows: not worth a line each in the log
        LOG.debug("dashboard stream opened from {} ({} open)", context.request().remoteAddress(), streams.size() + 1);
    }

    /** What a stream gets of these changes: the rows of its page that changed, or its page again. */
    private String update(Viewer viewer, List<WorkerBoard.Change> changes) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (WorkerBoard.Change change : changes) {
            boolean matchedBefore = change.before() != null && board.matches(viewer.query, change.before());
            boolean matches = board.matches(viewer.query, change.after());
            if (matchedBefore != matches) {
                return pageEvent(viewer); // the page may have moved: a worker came into or left the filters
            }
            if (matches && viewer.shown.contains(change.sipUri())) {
                rows.add(views.row(change.sipUri(), change.view()));
            }
        }
        return rows.isEmpty() ? "" : event("workers", rows);
    }

    private String pageEvent(Viewer viewer) {
        Map<String, Object> page = views.page(viewer.query);
        Set<String> shown = new HashSet<>();
        for (Object row : (List<?>) page.get("workers")) {
            shown.add((String) ((Map<?, ?>) row).get("sipUri"));
        }
        viewer.shown = shown;
        return event("page", page);
    }

    private void write(Viewer viewer, String events) {
        HttpServerResponse response = viewer.response;
        if (events.isEmpty()) {
            return;
        }
        if (response.writeQueueFull()) {
            LOG.warn("dashboard stream closed: the browser does not keep up; it reconnects and starts again");
            streams.remove(response);
            response.close();
            return;
        }
        try {
            response.write(events);
        } catch (IllegalStateException closedMeanwhile) {
            streams.remove(response);
        }
    }

    private static void refuse(HttpServerResponse response, int status, String reason) {
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(reason);
    }

    private static String event(String name, Object data) {
        try {
            return "event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the dashboard's " + name + " cannot be written as JSON", e);
        }
    }
}
