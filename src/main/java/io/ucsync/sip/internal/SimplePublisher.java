package io.ucsync.sip.internal;

import io.ucsync.presence.PidfDocument;
import io.ucsync.sip.PresencePublication;
import io.ucsync.sip.PublicationResult;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.InvalidArgumentException;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.SIPETagHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIMPLE publication (RFC 3903): PUBLISH with a PIDF body, then per worker the SIP-ETag the server returned.
 * The publication is refreshed (no body, SIP-If-Match) before it expires, modified (body and SIP-If-Match) and
 * removed ({@code Expires: 0}, SIP-If-Match). Every 2xx may bring a new ETag (Kamailio sends one per refresh);
 * 412 means the server lost it, so the publication starts over without SIP-If-Match.
 */
public final class SimplePublisher extends Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(SimplePublisher.class);

    private final class Entry {
        final String worker;
        final Sequence sequence;
        volatile String etag;
        byte[] body;
        int expires;
        ScheduledFuture<?> refresh;
        int failures;

        Entry(String worker) {
            this.worker = worker;
            this.sequence = new Sequence(requests.newCallId());
            this.expires = defaultExpires;
        }
    }

    private final int defaultExpires;
    private final long retryInitialMillis;
    private final long retryMaxMillis;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public SimplePublisher(
            Requests requests,
            Transactions transactions,
            ScheduledExecutorService agent,
            int expires,
            long retryInitialMillis,
            long retryMaxMillis) {
        super(requests, transactions, agent);
        this.defaultExpires = expires;
        this.retryInitialMillis = retryInitialMillis;
        this.retryMaxMillis = retryMaxMillis;
    }

    @Override
    protected CompletableFuture<PublicationResult> send(PresencePublication publication) {
        String key = Subscriptions.key(publication.sipUri());
        if (publication.remove()) {
            Entry entry = entries.remove(key);
            if (entry == null || entry.etag == null) {
                return CompletableFuture.completedFuture(new PublicationResult(0, "nothing published", null));
            }
            return remove(entry);
        }
        Entry entry = entries.computeIfAbsent(key, k -> new Entry(publication.sipUri()));
        try {
            entry.body = PidfDocument.write(
                            publication.sipUri(),
                            publication.availability(),
                            PidfDocument.rpidActivityFor(publication.activity()))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return failed(e);
        }
        return put(entry, entry.body, 0);
    }

    /** Initial PUBLISH (no ETag yet) or modification (with SIP-If-Match). */
    private CompletableFuture<PublicationResult> put(Entry entry, byte[] body, int retries) {
        boolean conditional = entry.etag != null;
        Request request;
        try {
            request = publish(entry, entry.expires, body);
        } catch (ParseException | InvalidArgumentException e) {
            return failed(e);
        }
        return transactions
                .send(request)
                .thenComposeAsync(
                        response -> {
                            entry.sequence.used(response);
                            int status = response.getStatusCode();
                            if (status / 100 == 2) {
                                return CompletableFuture.completedFuture(accepted(entry, response));
                            }
                            if (status == Response.CONDITIONAL_REQUEST_FAILED && conditional && retries < 2) {
                                LOG.info(
                                        "PUBLISH for {}: the server lost ETag {} (412); publishing afresh",
                                        entry.worker,
                                        entry.etag);
                                entry.etag = null;
                                return put(entry, body, retries + 1);
                            }
                            if (status == Response.INTERVAL_TOO_BRIEF
                                    && minExpires(response) > entry.expires
                                    && retries < 2) {
                                entry.expires = minExpires(response);
                                return put(entry, body, retries + 1);
                            }
                            return failed(failure(Request.PUBLISH, entry.worker, response));
                        },
                        agent);
    }

    private PublicationResult accepted(Entry entry, Response response) {
        SIPETagHeader etag = (SIPETagHeader) response.getHeader(SIPETagHeader.NAME);
        entry.etag = etag == null ? null : etag.getETag();
        entry.failures = 0;
        scheduleRefresh(entry, granted(response, entry.expires));
        return new PublicationResult(response.getStatusCode(), response.getReasonPhrase(), entry.etag);
    }

    private void scheduleRefresh(Entry entry, int grantedSeconds) {
        cancelRefresh(entry);
        if (entry.etag == null) {
            return;
        }
        entry.refresh = agent.schedule(
                () -> serialize(Subscriptions.key(entry.worker), () -> refresh(entry)),
                SipTimers.refreshDelayMillis(grantedSeconds),
                TimeUnit.MILLISECONDS);
    }

    /** Refresh: no body, SIP-If-Match; the answer's ETag replaces the old one. */
    private CompletableFuture<PublicationResult> refresh(Entry entry) {
        if (entries.get(Subscriptions.key(entry.worker)) != entry || entry.etag == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<PublicationResult> result;
        if (entry.failures > 0) {
            entry.etag = null; // After a failed refresh the server may have dropped it: start over.
            result = put(entry, entry.body, 0);
        } else {
            try {
                result = transactions
                        .send(publish(entry, entry.expires, null))
                        .thenComposeAsync(
                                response -> {
                                    entry.sequence.used(response);
                                    int status = response.getStatusCode();
                                    if (status / 100 == 2) {
                                        LOG.debug("PUBLISH for {} refreshed", entry.worker);
                                        return CompletableFuture.completedFuture(accepted(entry, response));
                                    }
                                    if (status == Response.CONDITIONAL_REQUEST_FAILED) {
                                        LOG.info(
                                                "PUBLISH refresh for {}: the server lost ETag {} (412); publishing afresh",
                                                entry.worker,
                                                entry.etag);
                                        entry.etag = null;
                                        return put(entry, entry.body, 1);
                                    }
                                    return failed(failure(Request.PUBLISH, entry.worker, response));
                                },
                                agent);
            } catch (ParseException | InvalidArgumentException e) {
                result = failed(e);
            }
        }
        return result.whenCompleteAsync(
                (r, error) -> {
                    if (error != null && entries.get(Subscriptions.key(entry.worker)) == entry) {
                        entry.failures++;
                        long delay = SipTimers.backoffMillis(retryInitialMillis, retryMaxMillis, entry.failures);
                        LOG.warn(
                                "PUBLISH refresh for {} failed: {}; trying again in {} ms",
                                entry.worker,
                                Subscriptions.messageOf(error),
                                delay);
                        cancelRefresh(entry);
                        entry.refresh = agent.schedule(
                                () -> serialize(Subscriptions.key(entry.worker), () -> refresh(entry)),
                                delay,
                                TimeUnit.MILLISECONDS);
                    }
                },
                agent);
    }

    /** Removal: {@code Expires: 0} with SIP-If-Match; a 412 means it is gone already. */
    private CompletableFuture<PublicationResult> remove(Entry entry) {
        cancelRefresh(entry);
        try {
            return transactions
                    .send(publish(entry, 0, null))
                    .thenApplyAsync(
                            response -> {
                                int status = response.getStatusCode();
                                if (status / 100 == 2 || status == Response.CONDITIONAL_REQUEST_FAILED) {
                                    return new PublicationResult(status, response.getReasonPhrase(), null);
                                }
                                throw new CompletionException(failure(Request.PUBLISH, entry.worker, response));
                            },
                            agent);
        } catch (ParseException | InvalidArgumentException e) {
            return failed(e);
        }
    }

    private Request publish(Entry entry, int expires, byte[] body) throws ParseException, InvalidArgumentException {
        Request request = request(Request.PUBLISH, entry.worker, entry.sequence);
        requests.add(request, "Event", "presence");
        request.addHeader(requests.headers().createExpiresHeader(expires));
        if (entry.etag != null) {
            request.addHeader(requests.headers().createSIPIfMatchHeader(entry.etag));
        }
        if (body != null) {
            requests.body(request, PidfDocument.CONTENT_TYPE, body);
        }
        return request;
    }

    private static int granted(Response response, int requested) {
        ExpiresHeader header = response.getExpires();
        return header != null && header.getExpires() > 0 ? header.getExpires() : requested;
    }

    private static int minExpires(Response response) {
        MinExpiresHeader min = (MinExpiresHeader) response.getHeader(MinExpiresHeader.NAME);
        return min == null ? -1 : min.getExpires();
    }

    private static void cancelRefresh(Entry entry) {
        if (entry.refresh != null) {
            entry.refresh.cancel(false);
            entry.refresh = null;
        }
    }

    /** The next server knows none of the ETags: every publication starts afresh there, without SIP-If-Match. */
    @Override
    protected void forgetServerState() {
        entries.values().forEach(SimplePublisher::cancelRefresh);
        entries.clear();
    }

    @Override
    public String tagOf(String worker) {
        Entry entry = entries.get(Subscriptions.key(worker));
        return entry == null ? null : entry.etag;
    }

    @Override
    public CompletableFuture<Void> withdrawAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        agent.execute(() -> {
            List<CompletableFuture<?>> removals = new ArrayList<>();
            for (Entry entry : List.copyOf(entries.values())) {
                removals.add(publish(PresencePublication.remove(entry.worker)).handle((r, e) -> null));
            }
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
                    .whenComplete((r, e) -> done.complete(null));
        });
        return done;
    }
}
