package io.ucsync.sip.internal;

import io.ucsync.concurrent.Completions;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceDocumentReader;
import io.ucsync.sip.SipDialect;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.RequestEvent;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence subscriptions of one user agent, kept in step with the set of watched workers: a subscription for each
 * worker (or one batched MS-PRES SUBSCRIBE per group of workers, see {@link Batches}) when it is watched, its end when
 * it is not, all of them suspended when the front-end server in use fails and made again on the next one.
 * <p>
 * This class decides which subscriptions exist and which workers each carries; the parts do the rest: the life of each
 * subscription ({@link SubscriptionLifecycle}: SUBSCRIBE through the {@link SubscribePacer}, refresh, retry, unsubscribe),
 * the NOTIFYs ({@link NotifyReceiver} on the SIP threads, {@link NotificationReader} on the subscription's lane).
 * <p>
 * Threads: everything but {@link #onNotify} runs on the agent thread; the getters may be called from any thread.
 */
public final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    /** Receives each presence read from a notification, mapped to the watched worker's URI. */
    @FunctionalInterface
    public interface Delivery {
        void deliver(String subscriptionId, Presence presence, String method, String contentType, String state);
    }

    /**
     * The options that shape subscriptions.
     *
     * @param batch       MS-PRES: subscribe to groups of workers with one batched SUBSCRIBE each
     * @param batchSize   the most workers in one batched SUBSCRIBE, until the server refuses one as too large
     * @param maxInFlight the most SUBSCRIBEs (initial, refresh, unsubscribe) waiting for their answer at a time
     * @param slowAnswerMillis an answer that takes longer makes fewer SUBSCRIBEs go at a time ({@link SubscribePacer})
     */
    public record Settings(
            SipDialect dialect,
            boolean batch,
            int batchSize,
            int maxInFlight,
            long slowAnswerMillis,
            int expires,
            long retryInitialMillis,
            long retryMaxMillis,
            int maxBodySize) {}

    private final Requests requests;
    private final Settings settings;
    private final SubscribePacer pacer;
    private final Batches batches;
    private final WatchedWorkers watched = new WatchedWorkers();
    private final SubscriptionDialogs dialogs;
    private final SubscriptionLifecycle lifecycle;
    private final NotifyReceiver notifications;
    private final AtomicLong ids = new AtomicLong();

    private boolean enabled;

    public Subscriptions(
            Requests requests,
            Transactions transactions,
            SipProvider provider,
            ScheduledExecutorService agent,
            NotificationLanes lanes,
            PresenceDocumentReader reader,
            Delivery delivery,
            Settings settings) {
        this.requests = requests;
        this.settings = settings;
        this.pacer = new SubscribePacer(settings.maxInFlight(), settings.slowAnswerMillis(), agent);
        this.batches = new Batches(settings.batch(), settings.batchSize());
        this.dialogs = new SubscriptionDialogs(agent);
        NotificationReader documents =
                new NotificationReader(requests, lanes, reader, delivery, watched, settings.maxBodySize());
        this.lifecycle = new SubscriptionLifecycle(
                requests, transactions, agent, pacer, dialogs, watched, documents, settings, new Owner());
        this.notifications = new NotifyReceiver(requests, provider, agent, dialogs, documents, lifecycle);
    }

    /** The normalized form of a SIP URI used to compare workers (SIP URIs are compared case-insensitively here). */
    public static String key(String uri) {
        return uri.trim().toLowerCase(Locale.ROOT);
    }

    /** The message of a failed request's error, without the {@link CompletionException} around it. */
    static String messageOf(Throwable error) {
        Throwable e = Completions.failureOf(error);
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * Whether subscriptions may be sent (the agent runs, a server answers and, if the agent registers, it is
     * registered). Enabling subscribes to every watched worker not subscribed, suspended ones included.
     */
    public void setEnabled(boolean on) {
        this.enabled = on;
        if (on) {
            for (Subscription s : watched.subscriptions()) {
                if (s.state == Subscription.State.SUSPENDED) {
                    resubscribe(s);
                }
            }
            subscribe(watched.keys());
        }
    }

    /**
     * The front-end server in use failed: every subscription is dropped without a word to it (a late NOTIFY from
     * it gets 481) and waits, as it is (same id, same workers), for {@link #setEnabled} on the next server.
     */
    public void suspend() {
        enabled = false;
        for (Subscription s : watched.subscriptions()) {
            lifecycle.suspend(s);
        }
    }

    public void watch(Collection<String> uris) {
        List<String> added = new ArrayList<>();
        for (String uri : uris) {
            String key = key(uri);
            if (watched.add(key, uri.trim())) {
                added.add(key);
            }
        }
        subscribe(added);
    }

    public void unwatch(Collection<String> uris) {
        Set<Subscription> released = new LinkedHashSet<>();
        for (String uri : uris) {
            String key = key(uri);
            if (watched.remove(key)) {
                release(key, released);
            }
        }
        closeUnused(released);
    }

    public void setWatched(Collection<String> uris) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String uri : uris) {
            wanted.putIfAbsent(key(uri), uri.trim());
        }
        Set<Subscription> released = new LinkedHashSet<>();
        for (String key : List.copyOf(watched.keys())) {
            if (!wanted.containsKey(key)) {
                watched.remove(key);
                release(key, released);
            }
        }
        closeUnused(released);
        List<String> added = new ArrayList<>();
        wanted.forEach((key, uri) -> {
            if (watched.add(key, uri)) {
                added.add(key);
            }
        });
        subscribe(added);
    }

    /** The watched workers, as given (any thread). */
    public Set<String> watched() {
        return watched.uris();
    }

    /**
     * The state of each watched worker's subscription (any thread): SUBSCRIBING, ACTIVE, WAITING (a retry is
     * scheduled) or IDLE (not subscribed yet, e.g. waiting for the registration).
     */
    public Map<String, String> states() {
        return watched.states();
    }

    /**
     * How many watched workers' subscriptions are in each state of {@link #states()} (any thread): one pass without a
     * map of every worker, for what reads them every second (metrics, health, dashboard) with 100,000 workers.
     */
    public Map<String, Integer> stateCounts() {
        return watched.stateCounts();
    }

    /** Dialogs ucsync keeps, including ended ones still in their grace period (any thread). */
    public int dialogCount() {
        return dialogs.size();
    }

    /** SUBSCRIBEs sent and not answered yet: never more than the pacer's limit (any thread). */
    public int subscribesInFlight() {
        return pacer.inFlight();
    }

    /** A NOTIFY or BENOTIFY from the stack (SIP thread). */
    public void onNotify(RequestEvent event) {
        notifications.onNotify(event);
    }

    /** Unsubscribes everything; the future completes when the server answered every unsubscribe (or gave up). */
    public CompletableFuture<Void> closeAll() {
        enabled = false;
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Subscription s : watched.subscriptions()) {
            pending.add(lifecycle.close(s));
        }
        watched.releaseAll();
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /** Subscribes to those of these workers that are watched and not subscribed yet, in batches if so set. */
    private void subscribe(Collection<String> workers) {
        if (!enabled) {
            return;
        }
        List<String> uncovered = new ArrayList<>();
        for (String worker : workers) {
            if (watched.uncovered(worker)) {
                uncovered.add(worker);
            }
        }
        for (List<String> group : batches.groups(uncovered)) {
            create(group, false);
        }
    }

    /** A subscription for these workers: batched when there are several, else to the worker alone. */
    private void create(List<String> members, boolean remade) {
        boolean batch = members.size() > 1;
        try {
            Address target = batch ? requests.self() : requests.address(watched.uri(members.get(0)));
            Subscription s =
                    new Subscription("sub-" + ids.incrementAndGet(), batch, target, members, settings.expires());
            s.remade = remade;
            watched.open(s);
            lifecycle.begin(s);
        } catch (ParseException e) {
            LOG.warn("cannot watch {}: not a SIP URI ({})", watched.uri(members.get(0)), e.getMessage());
            members.forEach(watched::remove);
        }
    }

    /** A worker is no longer watched: the subscription that carried it, if any, goes into {@code released}. */
    private void release(String worker, Set<Subscription> released) {
        Subscription s = watched.release(worker);
        if (s != null) {
            released.add(s);
        }
    }

    /**
     * Ends each of these subscriptions that no longer carries any worker: once for all the workers unwatched together,
     * since a batch's members are looked at for each (a partition handed over unwatches tens of thousands at once).
     */
    private void closeUnused(Set<Subscription> released) {
        for (Subscription s : released) {
            if (s.members.stream().noneMatch(m -> watched.carries(s, m))) {
                lifecycle.close(s);
            }
        }
    }

    /** Subscribes again for the members still watched through {@code s}, or drops it when there are none. */
    private void resubscribe(Subscription s) {
        watched.prune(s);
        if (s.members.isEmpty() || !enabled) {
            s.state = Subscription.State.CLOSED;
            watched.forget(s);
            return;
        }
        lifecycle.begin(s);
    }

    /** Replaces a refused batch by smaller subscriptions of its workers still watched ({@link Batches}). */
    private void split(Subscription s, int status, String reason) {
        dialogs.retire(s.ref, false);
        s.state = Subscription.State.CLOSED;
        List<String> members = watched.forget(s);
        for (List<String> part : batches.afterRefusal(s, s.members.size(), status, reason, members)) {
            create(part, s.remade);
        }
    }

    /** What a subscription's life hands back to the watched set. */
    private final class Owner implements SubscriptionLifecycle.Owner {
        @Override
        public void resubscribe(Subscription s) {
            Subscriptions.this.resubscribe(s);
        }

        @Override
        public void split(Subscription s, int status, String reason) {
            Subscriptions.this.split(s, status, reason);
        }
    }
}
