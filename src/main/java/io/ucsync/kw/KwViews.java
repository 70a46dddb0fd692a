package io.ucsync.kw;

import java.util.Map;

import io.ucsync.engine.SyncEngine;

/** The worker's view for the KW page: the engine's view of the worker, and the preview offered to them, if any. */
public final class KwViews {

    private final SyncEngine engine;
    private final PreviewOffers offers;

    public KwViews(SyncEngine engine, PreviewOffers offers) {
        this.engine = engine;
        this.offers = offers;
    }

    public Map<String, Object> view(String worker) {
        Map<String, Object> view = engine.view(worker);
        view.put("previewOffered", offers.open(worker).map(PreviewOffers.Offer::asMap).orElse(null));
        return view;
    }
}
