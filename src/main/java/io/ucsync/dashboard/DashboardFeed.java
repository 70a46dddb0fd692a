package io.ucsync.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The dashboard's live feed: server-sent events at {@value #PATH} for signed-in operators. A new stream first gets a
 * {@code snapshot} event (every worker's view), then a {@code workers} event with the views of the workers that
 * changed since the last one, each time the route {@code dashboard-feed} calls {@link #publishChanges()}; changes
 * are coalesced between two calls, so a burst of presence changes costs one event per worker, not one per change.
 * <p>
 * The stream is served on camel-main's Vert.x router directly, beside the platform-http routes, because a Camel
 * exchange answers once, and this response never ends. A client that cannot keep up (its write queue full) is
 * closed; its browser reconnects and starts again from a snapshot.
 */
public final class DashboardFeed {

    public static final String PATH = "/api/dashboard/events";

    private static final Logger LOG = LoggerFactory.getLogger(DashboardFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Ticks between two comment lines on an idle stream, so that proxies do not close it. */
    private static final int TICKS_PER_KEEP_ALIVE = 60;

    private final Supplier<List<String>> workers;
    private final Function<String, Map<String, Object>> view;
    private final Predicate<String> operatorCookie;
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean rosterChanged;
    private int idleTicks;

    /**
     * @param workers        the rostered workers' SIP URIs, in roster order
     * @param view           what the dashboard shows of one worker
     * @param operatorCookie whether a request's Cookie header carries the operator's session
     */
    public DashboardFeed(Supplier<List<String>> workers, Function<String, Map<String, Object>> view, Predicate<String> operatorCookie) {
        this.workers = workers;
        this.view = view;
        this.operatorCookie = operatorCookie;
    }

    /** Serves the stream on the HTTP server's router. */
    public void attach(Router router) {
        router.get(PATH).handler(this::open);
    }

    /** Something the dashboard shows of this worker may have changed. */
    public void workerChanged(String sipUri) {
        changed.add(sipUri);
    }

    /** Workers came or went: every stream gets a new snapshot. */
    public void rosterChanged() {
        rosterChanged = true;
    }

    /** Sends what changed since the last call to every stream; the number of workers sent. */
    public synchronized int publishChanges() {
        if (streams.isEmpty()) {
            changed.clear();
            return 0;
        }
        if (rosterChanged) {
            rosterChanged = false;
            changed.clear();
            broadcast(event("snapshot", snapshot()));
            return streams.size();
        }
        List<Map<String, Object>> views = new ArrayList<>();
        for (String sipUri : List.copyOf(changed)) {
            changed.remove(sipUri);
            views.add(view.apply(sipUri));
        }
        if (!views.isEmpty()) {
            idleTicks = 0;
            broadcast(event("workers", views));
        } else if (++idleTicks >= TICKS_PER_KEEP_ALIVE) {
            idleTicks = 0;
            broadcast(": keep-alive\n\n");
        }
        return views.size();
    }

    private synchronized void open(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (!operatorCookie.test(context.request().getHeader(HttpHeaders.COOKIE))) {
            response.setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end("the dashboard needs the operator's sign-in");
            return;
        }
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Accel-Buffering", "no");
        response.closeHandler(closed -> streams.remove(response));
        response.write("retry: 2000\n\n" + event("snapshot", snapshot()));
        streams.add(response);
        LOG.info("dashboard stream opened from {} ({} open)", context.request().remoteAddress(), streams.size());
    }

    private List<Map<String, Object>> snapshot() {
        return workers.get().stream().map(view).toList();
    }

    private void broadcast(String event) {
        for (HttpServerResponse response : streams) {
            if (response.writeQueueFull()) {
                LOG.warn("dashboard stream closed: the browser does not keep up; it reconnects from a snapshot");
                streams.remove(response);
                response.close();
            } else {
                try {
                    response.write(event);
                } catch (IllegalStateException closedMeanwhile) {
                    streams.remove(response);
                }
            }
        }
    }

    private static String event(String name, Object data) {
        try {
            return "event: " + name + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a worker's view cannot be written as JSON", e);
        }
    }
}
