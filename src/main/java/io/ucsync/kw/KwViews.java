package io.ucsync.kw;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.ucsync.engine.SyncEngine;

/** What the KW page shows of a worker: the engine's view, the preview offered to them, and their audit log. */
public final class KwViews {

    private static final int AUDIT_ENTRIES = 50;

    private final SyncEngine engine;
    private final PreviewOffers offers;

    public KwViews(SyncEngine engine, PreviewOffers offers) {
        this.engine = engine;
        this.offers = offers;
    }

    /** The worker's latest agent-state changes with their causes, newest first. */
    public List<Map<String, String>> audit(String worker) throws SQLException {
        return engine.registry().auditFor(worker, AUDIT_ENTRIES).stream()
                .map(entry -> Map.of("at", entry.at().toString(), "change", entry.change(), "cause", entry.cause())).toList();
    }

    public Map<String, Object> view(String worker) {
        Map<String, Object> view = engine.view(worker);
        view.put("previewOffered", offers.open(worker).map(PreviewOffers.Offer::asMap).orElse(null));
        return view;
    }
}
