package io.ucsync.kw;

import io.ucsync.http.RequestRefused;
import io.ucsync.state.PreviewOfferStore;
import io.ucsync.state.PreviewOfferStore.StoredOffer;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Previews a routing system offers to workers through the API: each offer is open until the worker accepts or
 * declines it in the KW page, or until its timeout withdraws it. The routing system reads the outcome by id.
 * Offers live in the state store, so that any node of a cluster settles and reports them; one open offer per worker
 * (a new one replaces it). The open ones are also kept here, for the pages, and read again when another node changed
 * one ({@link #refresh}).
 */
public final class PreviewOffers {

    private static final Logger LOG = LoggerFactory.getLogger(PreviewOffers.class);
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /** How long after its expiry the routing system can still read what became of an offer. */
    static final Duration OUTCOME_KEPT = Duration.ofHours(1);

    private static final String OFFERED = "offered";

    /** An offer and what became of it: offered, accepted, declined or withdrawn. */
    public record Offer(String id, String worker, Instant expires, String status) {

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("id", id);
            map.put("worker", worker);
            map.put("expires", expires.toString());
            map.put("status", status);
            return map;
        }
    }

    private final PreviewOfferStore store;
    private final Clock clock;
    private final Predicate<String> rostered;
    /** Each worker's offer still offered, as the store has it (its expiry checked when read). */
    private final Map<String, Offer> open = new ConcurrentHashMap<>();

    private volatile Consumer<String> changeListener = worker -> {};

    /** @param rostered whether a SIP URI is a rostered worker's (only they can be offered a preview) */
    public PreviewOffers(PreviewOfferStore store, Clock clock, Predicate<String> rostered) throws SQLException {
        this.store = store;
        this.clock = clock;
        this.rostered = rostered;
        store.allOpen().forEach(offer -> open.put(offer.sipUri(), of(offer)));
    }

    /** Told the SIP URI of the worker whenever an offer to them is made or settled. */
    public void setChangeListener(Consumer<String> listener) {
        this.changeListener = listener;
    }

    /**
     * A new offer to a rostered worker, withdrawn after {@code timeout} seconds (1 to 3600).
     *
     * @throws RequestRefused 400 for a worker not in the roster or a timeout out of range; 503 while the store is down
     */
    public Map<String, Object> offer(String worker, String timeout) {
        if (worker == null || !rostered.test(worker)) {
            throw RequestRefused.badRequest("worker must be a rostered SIP URI");
        }
        int timeoutSeconds = timeout != null && timeout.matches("\\d{1,4}") ? Integer.parseInt(timeout) : -1;
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT.toSeconds()) {
            throw RequestRefused.badRequest("timeout must be 1 to " + MAX_TIMEOUT.toSeconds() + " seconds");
        }
        Instant now = clock.instant();
        Offer offer = new Offer(UUID.randomUUID().toString(), worker, now.plusSeconds(timeoutSeconds), OFFERED);
        try {
            store.offer(new StoredOffer(offer.id(), worker, offer.expires(), OFFERED), now.minus(OUTCOME_KEPT));
        } catch (SQLException e) {
            throw RequestRefused.storeUnavailable("preview not offered", e);
        }
        open.put(worker, offer);
        LOG.info("preview {} offered to {} until {}", offer.id(), worker, offer.expires());
        changeListener.accept(worker);
        return offer.asMap();
    }

    /**
     * The offer with this id as it stands.
     *
     * @throws RequestRefused 404 when there is none (or it was forgotten, an hour after it expired)
     */
    public Map<String, Object> get(String id) {
        try {
            return store.find(id)
                    .map(this::of)
                    .orElseThrow(() -> RequestRefused.notFound("no such preview"))
                    .asMap();
        } catch (SQLException e) {
            throw RequestRefused.storeUnavailable("preview not read", e);
        }
    }

    /** The worker's open offer, if any, for the KW page. */
    public Optional<Offer> open(String worker) {
        return Optional.ofNullable(open.get(worker))
                .filter(offer -> clock.instant().isBefore(offer.expires()));
    }

    /**
     * The worker accepts their open offer.
     *
     * @throws RequestRefused 409 when none is offered
     */
    public void accept(String worker) {
        settle(worker, "accepted");
    }

    /**
     * The worker declines their open offer.
     *
     * @throws RequestRefused 409 when none is offered
     */
    public void decline(String worker) {
        settle(worker, "declined");
    }

    private void settle(String worker, String status) {
        boolean settled;
        try {
            settled = store.settle(worker, status, clock.instant());
        } catch (SQLException e) {
            throw RequestRefused.storeUnavailable("preview not " + status, e);
        }
        Offer was = open.remove(worker);
        if (!settled) {
            throw RequestRefused.conflict("no preview is offered");
        }
        LOG.info("preview {} for {} {}", was == null ? "" : was.id(), worker, status);
        changeListener.accept(worker);
    }

    /** These workers' offers were changed through another node: read again. */
    public void refresh(Collection<String> workers) {
        Map<String, StoredOffer> stored;
        try {
            stored = store.open(workers);
        } catch (SQLException e) {
            LOG.debug("offers of {} worker(s) not read again: {}", workers.size(), e.getMessage());
            return;
        }
        for (String worker : workers) {
            Optional<Offer> now = Optional.ofNullable(stored.get(worker)).map(this::of);
            Offer before = now.isPresent() ? open.put(worker, now.get()) : open.remove(worker);
            if (!now.equals(Optional.ofNullable(before))) {
                changeListener.accept(worker);
            }
        }
    }

    /** An offer as it stands now: one still offered past its time is withdrawn (computed when read: no timer needed). */
    private Offer of(StoredOffer stored) {
        boolean expired = OFFERED.equals(stored.status()) && !clock.instant().isBefore(stored.expires());
        return new Offer(stored.id(), stored.sipUri(), stored.expires(), expired ? "withdrawn" : stored.status());
    }
}
