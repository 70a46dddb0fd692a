package io.ucsync.kw;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ucsync.http.RequestRefused;

/**
 * Previews a routing system offers to workers through the API: each offer is open until the worker accepts or
 * declines it in the KW page, or until its timeout withdraws it. The routing system reads the outcome by id.
 * Offers live in memory; one open offer per worker (a new one replaces it).
 */
public final class PreviewOffers {

    private static final Logger LOG = LoggerFactory.getLogger(PreviewOffers.class);
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);
    /** How long after its expiry the routing system can still read what became of an offer. */
    static final Duration OUTCOME_KEPT = Duration.ofHours(1);

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

    private final Clock clock;
    private final Map<String, Offer> byId = new ConcurrentHashMap<>();
    private volatile Consumer<String> changeListener = worker -> { };

    private final Predicate<String> rostered;

    /** @param rostered whether a SIP URI is a rostered worker's (only they can be offered a preview) */
    public PreviewOffers(Clock clock, Predicate<String> rostered) {
        this.clock = clock;
        this.rostered = rostered;
    }

    /** Told the SIP URI of the worker whenever an offer to them is made or settled. */
    public void setChangeListener(Consumer<String> listener) {
        this.changeListener = listener;
    }

    /**
     * A new offer to a rostered worker, withdrawn after {@code timeout} seconds (1 to 3600).
     *
     * @throws RequestRefused 400 for a worker not in the roster or a timeout out of range
     */
    public Map<String, Object> offer(String worker, String timeout) {
        if (worker == null || !rostered.test(worker)) {
            throw RequestRefused.badRequest("worker must be a rostered SIP URI");
        }
        int timeoutSeconds = timeout != null && timeout.matches("\\d{1,4}") ? Integer.parseInt(timeout) : -1;
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT.toSeconds()) {
            throw RequestRefused.badRequest("timeout must be 1 to " + MAX_TIMEOUT.toSeconds() + " seconds");
        }
        open(worker).ifPresent(previous -> settle(previous, "withdrawn"));
        forgetSettledBefore(clock.instant().minus(OUTCOME_KEPT));
        Offer offer = new Offer(UUID.randomUUID().toString(), worker, clock.instant().plusSeconds(timeoutSeconds), "offered");
        byId.put(offer.id(), offer);
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
        Offer offer = current(byId.get(id));
        if (offer == null) {
            throw RequestRefused.notFound("no such preview");
        }
        return offer.asMap();
    }

    /** The worker's open offer, if any, for the KW page. */
    public Optional<Offer> open(String worker) {
        return byId.values().stream().map(this::current).filter(o -> o.worker().equals(worker) && "offered".equals(o.status()))
                .findFirst();
    }

    /**
     * The worker accepts their open offer.
     *
     * @throws RequestRefused 409 when none is offered
     */
    public void accept(String worker) {
        settle(open(worker).orElseThrow(() -> RequestRefused.conflict("no preview is offered")), "accepted");
    }

    /**
     * The worker declines their open offer.
     *
     * @throws RequestRefused 409 when none is offered
     */
    public void decline(String worker) {
        settle(open(worker).orElseThrow(() -> RequestRefused.conflict("no preview is offered")), "declined");
    }

    /** Offers stay readable for a while, not forever: memory stays bounded however many previews are offered. */
    private void forgetSettledBefore(Instant limit) {
        byId.values().removeIf(offer -> !"offered".equals(offer.status()) && offer.expires().isBefore(limit));
    }

    /** An offered preview past its time is withdrawn (computed when read, so no timer is needed). */
    private Offer current(Offer offer) {
        if (offer != null && "offered".equals(offer.status()) && !clock.instant().isBefore(offer.expires())) {
            return settle(offer, "withdrawn");
        }
        return offer;
    }

    private Offer settle(Offer offer, String status) {
        Offer settled = new Offer(offer.id(), offer.worker(), offer.expires(), status);
        byId.put(offer.id(), settled);
        LOG.info("preview {} for {} {}", offer.id(), offer.worker(), status);
        changeListener.accept(offer.worker());
        return settled;
    }
}
