package io.ucsync.kw;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.ucsync.cluster.PartitionOwnership;
import io.ucsync.engine.SyncEngine;

/**
 * What the KW page and the dashboard show of a worker: the engine's view, the preview offered to them, which node
 * owns them (in a cluster), and their audit log.
 */
public final class KwViews {

    private static final int AUDIT_ENTRIES = 50;

    private final SyncEngine engine;
    private final PreviewOffers offers;
    private final PartitionOwnership ownership;

    public KwViews(SyncEngine engine, PreviewOffers offers, PartitionOwnership ownership) {
        this.engine = engine;
        this.offers = offers;
        this.ownership = ownership;
    }

    /** The worker's latest agent-state changes with their causes, newest first. */
    public List<Map<String, String>> audit(String worker) throws SQLException {
        return engine.registry().auditFor(worker, AUDIT_ENTRIES).stream()
                .map(entry -> Map.of("at", entry.at().toString(), "change", entry.change(), "cause", entry.cause())).toList();
    }

    public Map<String, Object> view(String worker) {
        Map<String, Object> view = engine.view(worker);
        view.put("previewOffered", offers.open(worker).map(PreviewOffers.Offer::asMap).orElse(null));
        int partition = ownership.partitioning().of(worker);
        view.put("partition", partition);
        view.put("owner", ownership.ownerOf(partition).orElse(null));
        return view;
    }
}
