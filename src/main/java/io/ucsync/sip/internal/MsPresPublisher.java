package io.ucsync.sip.internal;

import io.ucsync.presence.MsPresFault;
import io.ucsync.presence.MsPresPublishDocument;
import io.ucsync.presence.PresenceDocumentException;
import io.ucsync.sip.PresencePublication;
import io.ucsync.sip.PublicationResult;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongFunction;
import javax.sip.InvalidArgumentException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MS-PRES publication: a SERVICE request to the worker's URI carrying a category publication
 * ({@code application/msrtc-category-publish+xml}) of the state category in the configured container and
 * instance. Each publication carries the version the server holds; after a 2xx the server holds the next one.
 * A 409 (wrong version) names the current version, and the publication is sent once more with it. Removal
 * publishes the instance away (removeState).
 */
public final class MsPresPublisher extends Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(MsPresPublisher.class);
    private static final String SERVICE = "SERVICE";
    /** 409 Conflict: MS-PRES answers a publication with a stale version so (not a JAIN-SIP constant). */
    private static final int CONFLICT = 409;

    private final class Entry {
        final String worker;
        final Sequence sequence;
        volatile long version;
        volatile boolean published;

        Entry(String worker) {
            this.worker = worker;
            this.sequence = new Sequence(requests.newCallId());
        }
    }

    private final int instance;
    private final int container;
    private final String expireType;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public MsPresPublisher(
            Requests requests,
            Transactions transactions,
            ScheduledExecutorService agent,
            int instance,
            int container,
            String expireType) {
        super(requests, transactions, agent);
        this.instance = instance;
        this.container = container;
        this.expireType = expireType;
    }

    @Override
    protected CompletableFuture<PublicationResult> send(PresencePublication p) {
        Entry entry = entries.computeIfAbsent(Subscriptions.key(p.sipUri()), k -> new Entry(p.sipUri()));
        LongFunction<String> document = p.remove()
                ? version -> MsPresPublishDocument.removeState(p.sipUri(), instance, container, version)
                : version -> MsPresPublishDocument.publishState(
                        p.sipUri(),
                        p.availability().msPresValue(),
                        p.activity(),
                        instance,
                        container,
                        version,
                        expireType);
        return service(entry, document, !p.remove(), true);
    }

    private CompletableFuture<PublicationResult> service(
            Entry entry, LongFunction<String> document, boolean publishes, boolean mayRetry) {
        Request request;
        try {
            request = request(SERVICE, entry.worker, entry.sequence);
            requests.body(
                    request,
                    MsPresPublishDocument.CONTENT_TYPE,
                    document.apply(entry.version).getBytes(StandardCharsets.UTF_8));
        } catch (ParseException | InvalidArgumentException | IllegalArgumentException e) {
            return failed(e);
        }
        return transactions
                .send(request)
                .thenComposeAsync(
                        response -> {
                            entry.sequence.used(response);
                            int status = response.getStatusCode();
                            if (status / 100 == 2) {
                                entry.version++;
                                entry.published = publishes;
                                return CompletableFuture.completedFuture(new PublicationResult(
                                        status, response.getReasonPhrase(), Long.toString(entry.version)));
                            }
                            if (status == CONFLICT && mayRetry) {
                                OptionalLong current = currentVersion(entry, response);
                                if (current.isPresent()) {
                                    LOG.info(
                                            "SERVICE for {}: version {} is stale, the server holds {}; publishing again",
                                            entry.worker,
                                            entry.version,
                                            current.getAsLong());
                                    entry.version = current.getAsLong();
                                    return service(entry, document, publishes, false);
                                }
                            }
                            return failed(failure(SERVICE, entry.worker, response));
                        },
                        agent);
    }

    private static OptionalLong currentVersion(Entry entry, Response conflict) {
        try {
            return MsPresFault.currentVersion(conflict.getRawContent());
        } catch (PresenceDocumentException e) {
            LOG.warn("SERVICE for {}: 409 with an unreadable fault ({})", entry.worker, e.reason());
            return OptionalLong.empty();
        }
    }

    /** The next server holds no version of ucsync's publications: they start again from 0, with new Call-IDs. */
    @Override
    protected void forgetServerState() {
        entries.clear();
    }

    @Override
    public String tagOf(String worker) {
        Entry entry = entries.get(Subscriptions.key(worker));
        return entry == null || !entry.published ? null : Long.toString(entry.version);
    }

    @Override
    public CompletableFuture<Void> withdrawAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        agent.execute(() -> {
            List<CompletableFuture<?>> removals = new ArrayList<>();
            for (Entry entry : List.copyOf(entries.values())) {
                if (entry.published) {
                    removals.add(
                            publish(PresencePublication.remove(entry.worker)).handle((r, e) -> null));
                }
            }
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
                    .whenComplete((r, e) -> done.complete(null));
        });
        return done;
    }
}
