package io.ucsync.kw;

import io.ucsync.cluster.PartitionOwnership;
import io.ucsync.engine.SyncEngine;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What the KW page and the dashboard show of a worker: the engine's view, the preview offered to them, which node
 * owns them (in a cluster), and their audit log. The view says when it was read ({@code now}), so that a page counts
 * the time left of an offer or a NotReady window by the server's clock, not the browser's.
 */
public final class KwViews {

    private static final int AUDIT_ENTRIES = 50;

    private final SyncEngine engine;
    private final PreviewOffers offers;
    private final PartitionOwnership ownership;
    private final Clock clock;

    public KwViews(SyncEngine engine, PreviewOffers offers, PartitionOwnership ownership, Clock clock) {
        this.engine = engine;
        this.offers = offers;
        this.ownership = ownership;
        this.clock = clock;
    }

    /** The worker's latest agent-state changes with their causes, newest first. */
    public List<Map<String, String>> audit(String worker) throws SQLException {
        return engine.registry().auditFor(worker, AUDIT_ENTRIES).stream()
                .map(entry -> Map.of("at", entry.at().toString(), "change", entry.change(), "cause", entry.cause()))
                .toList();
    }

    public Map<String, Object> view(String worker) {
        Map<String, Object> view = engine.view(worker);
        view.put(
                "previewOffered",
                offers.open(worker).map(PreviewOffers.Offer::asMap).orElse(null));
        int partition = ownership.partitioning().of(worker);
        view.put("partition", partition);
        view.put("owner", ownership.ownerOf(partition).orElse(null));
        view.put("now", clock.instant().toString());
        return view;
    }
}
