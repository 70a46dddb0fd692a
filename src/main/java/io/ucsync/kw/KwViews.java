package io.ucsync.kw;

import io.ucsync.cluster.PartitionOwnership;
import io.ucsync.engine.WorkerViews;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What the KW page and the dashboard show of a worker: its {@link WorkerViews#view}, the preview offered to them,
 * which node owns them (in a cluster), and their audit log. The view says when it was read ({@code now}), so that a
 * page counts the time left of an offer or a NotReady window by the server's clock, not the browser's.
 */
public final class KwViews {

    private static final int AUDIT_ENTRIES = 50;

    private final WorkerViews workers;
    private final PreviewOffers offers;
    private final PartitionOwnership ownership;
    private final Clock clock;

    public KwViews(WorkerViews workers, PreviewOffers offers, PartitionOwnership ownership, Clock clock) {
        this.workers = workers;
        this.offers = offers;
        this.ownership = ownership;
        this.clock = clock;
    }

    /** The worker's latest agent-state changes with their causes, newest first. */
    public List<Map<String, String>> audit(String worker) throws SQLException {
        return workers.audit(worker, AUDIT_ENTRIES).stream()
                .map(entry -> Map.of("at", entry.at().toString(), "change", entry.change(), "cause", entry.cause()))
                .toList();
    }

    public Map<String, Object> view(String worker) {
        Map<String, Object> view = workers.view(worker);
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
