package io.ucsync.sip.internal;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import io.ucsync.presence.LogText;
import io.ucsync.presence.Presence;
import io.ucsync.presence.PresenceDocumentException;
import io.ucsync.presence.PresenceDocumentReader;
import io.ucsync.sip.SipDialect;
import java.net.InetAddress;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.SubscriptionStateHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence subscriptions of one user agent, kept in step with the set of watched workers: SUBSCRIBE for
 * each worker (or one batched MS-PRES SUBSCRIBE per group of workers), refresh inside the dialog before the
 * granted time runs out, re-create with back-off when the server ends a subscription, answers 481 to a refresh
 * or stops answering, and unsubscribe with {@code Expires: 0} when a worker is no longer watched.
 * <p>
 * Every SUBSCRIBE goes through a {@link SubscribePacer}, so that only so many wait for their answer at a time. A
 * batch the server refuses is tried again in smaller parts: halves for a refusal that may concern only some of its
 * workers, and for 413 or 513 (too large) batches of at most half the refused size from then on.
 * <p>
 * Threads: everything but {@link #onNotify} runs on the agent thread. {@link #onNotify} runs on a SIP stack
 * thread; it queues the document on the subscription's notification lane, answers a NOTIFY at once (200, or 481
 * for an unknown dialog; a BENOTIFY gets no answer) and posts state changes to the agent thread. Documents are
 * read on the lane, after the answer has gone.
 */
public final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    /** NOTIFYs and BENOTIFYs of no subscription: a peer decides how many come. */
    private static final RateLimitedLog STRAYS = new RateLimitedLog(LOG, 60_000, 256);

    /** How long an ended dialog still answers late or retransmitted NOTIFYs with 200 (64 * T1). */
    private static final long CLOSED_DIALOG_GRACE_MILLIS = 32_000;

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

    private enum State {
        /** Initial SUBSCRIBE sent, no answer yet. */
        SUBSCRIBING,
        /** Answered 2xx; refreshed before it expires. */
        ACTIVE,
        /** Failed or ended by the server; a retry is scheduled. */
        WAITING,
        /** The front-end server in use failed; subscribed again once a server answers. */
        SUSPENDED,
        /** No longer wanted; unsubscribed. */
        CLOSED
    }

    /** One subscription: a worker, or a batch of workers, with the dialog of its current attempt. */
    private final class Subscription {
        final String id;
        final boolean batch;
        final Address target;
        /** Shrinks on the agent thread when a batch is refreshed or re-created; lanes read it. */
        final List<String> members;

        volatile State state = State.SUBSCRIBING;
        DialogRef ref;
        ScheduledFuture<?> timer;
        /** Counts the SUBSCRIBEs begun, so that one still waiting in the pacer when a newer one began is not sent. */
        int attempt;

        int failures;
        int expires;
        volatile long expiresAtMillis;
        /** Made again on a new server after a failure there, which the agent reports once for all of them. */
        boolean remade;

        Subscription(String id, boolean batch, Address target, List<String> members) {
            this.id = id;
            this.batch = batch;
            this.target = target;
            this.members = new CopyOnWriteArrayList<>(members);
            this.expires = settings.expires();
        }

        /** The worker or workers, for log lines. */
        String describe() {
            if (!batch) {
                return members.get(0);
            }
            String first = String.join(", ", members.subList(0, Math.min(3, members.size())));
            return "batch " + id + " [" + first + (members.size() > 3 ? ", +" + (members.size() - 3) + " more" : "")
                    + "]";
        }
    }

    /** A dialog as NOTIFYs find it: the subscription and its state; closed once unsubscribed or ended. */
    private static final class DialogRef {
        final Subscription subscription;
        final DialogState dialog;
        volatile boolean closed;

        DialogRef(Subscription subscription, DialogState dialog) {
            this.subscription = subscription;
            this.dialog = dialog;
        }
    }

    private final Requests requests;
    private final Transactions transactions;
    private final SipProvider provider;
    private final ScheduledExecutorService agent;
    private final NotificationLanes lanes;
    private final PresenceDocumentReader reader;
    private final Delivery delivery;
    private final Settings settings;
    private final SubscribePacer pacer;
    private final AtomicLong ids = new AtomicLong();
    /** The most workers in one batch: the configured size until the server refuses a batch as too large. */
    private int batchLimit;

    /** Watched workers: normalized URI to the URI as given. Written on the agent thread, read anywhere. */
    private final Map<String, String> desired = new ConcurrentHashMap<>();
    /** Which subscription delivers each watched worker. Written on the agent thread, read by the lanes. */
    private final Map<String, Subscription> byWorker = new ConcurrentHashMap<>();

    private final Set<Subscription> subscriptions = new LinkedHashSet<>();
    /** Dialogs by {@link DialogState#key()}, for NOTIFYs. */
    private final Map<String, DialogRef> dialogs = new ConcurrentHashMap<>();

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
        this.transactions = transactions;
        this.provider = provider;
        this.agent = agent;
        this.lanes = lanes;
        this.reader = reader;
        this.delivery = delivery;
        this.settings = settings;
        this.pacer = new SubscribePacer(settings.maxInFlight(), settings.slowAnswerMillis(), agent);
        this.batchLimit = settings.batchSize();
    }

    /** The normalized form of a SIP URI used to compare workers (SIP URIs are compared case-insensitively here). */
    public static String key(String uri) {
        return uri.trim().toLowerCase(Locale.ROOT);
    }

    // ---- the watched set (agent thread) ----

    /**
     * Whether subscriptions may be sent (the agent runs, a server answers and, if the agent registers, it is
     * registered). Enabling subscribes to every watched worker not subscribed, suspended ones included.
     */
    public void setEnabled(boolean on) {
        this.enabled = on;
        if (on) {
            for (Subscription s : List.copyOf(subscriptions)) {
                if (s.state == State.SUSPENDED) {
                    resubscribe(s);
                }
            }
            subscribe(desired.keySet());
        }
    }

    /**
     * The front-end server in use failed: every subscription is dropped without a word to it (a late NOTIFY from
     * it gets 481) and waits, as it is (same id, same workers), for {@link #setEnabled} on the next server.
     */
    public void suspend() {
        enabled = false;
        for (Subscription s : subscriptions) {
            cancelTimer(s);
            retire(s.ref, false);
            s.ref = null;
            s.state = State.SUSPENDED;
            s.remade = true;
            s.failures = 0;
            s.expires = settings.expires();
        }
    }

    public void watch(Collection<String> uris) {
        List<String> added = new ArrayList<>();
        for (String uri : uris) {
            String key = key(uri);
            if (desired.putIfAbsent(key, uri.trim()) == null) {
                added.add(key);
            }
        }
        subscribe(added);
    }

    public void unwatch(Collection<String> uris) {
        for (String uri : uris) {
            String key = key(uri);
            if (desired.remove(key) != null) {
                drop(key);
            }
        }
    }

    public void setWatched(Collection<String> uris) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String uri : uris) {
            wanted.putIfAbsent(key(uri), uri.trim());
        }
        for (String key : List.copyOf(desired.keySet())) {
            if (!wanted.containsKey(key)) {
                desired.remove(key);
                drop(key);
            }
        }
        List<String> added = new ArrayList<>();
        wanted.forEach((key, uri) -> {
            if (desired.putIfAbsent(key, uri) == null) {
                added.add(key);
            }
        });
        subscribe(added);
    }

    /** The watched workers, as given (any thread). */
    public Set<String> watched() {
        return Set.copyOf(desired.values());
    }

    /**
     * The state of each watched worker's subscription (any thread): SUBSCRIBING, ACTIVE, WAITING (a retry is
     * scheduled) or IDLE (not subscribed yet, e.g. waiting for the registration).
     */
    public Map<String, String> states() {
        Map<String, String> states = new TreeMap<>();
        for (Map.Entry<String, String> e : desired.entrySet()) {
            states.put(e.getValue(), stateOf(e.getKey()));
        }
        return states;
    }

    /**
     * How many watched workers' subscriptions are in each state of {@link #states()} (any thread): one pass without a
     * map of every worker, for what reads them every second (metrics, health, dashboard) with 100,000 workers.
     */
    public Map<String, Integer> stateCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (String key : desired.keySet()) {
            counts.merge(stateOf(key), 1, Integer::sum);
        }
        return counts;
    }

    private String stateOf(String key) {
        Subscription s = byWorker.get(key);
        return s == null || s.state == State.SUSPENDED ? "IDLE" : s.state.name();
    }

    /** Dialogs ucsync keeps, including ended ones still in their grace period (any thread). */
    public int dialogCount() {
        return dialogs.size();
    }

    /** SUBSCRIBEs sent and not answered yet: never more than the pacer's limit (any thread). */
    public int subscribesInFlight() {
        return pacer.inFlight();
    }

    /** Subscribes to those of these workers that are watched and not subscribed yet, in batches if so set. */
    private void subscribe(Collection<String> workers) {
        if (!enabled) {
            return;
        }
        List<String> uncovered = new ArrayList<>();
        for (String worker : workers) {
            if (desired.containsKey(worker) && !byWorker.containsKey(worker)) {
                uncovered.add(worker);
            }
        }
        int chunk = settings.batch() ? batchLimit : 1;
        for (int i = 0; i < uncovered.size(); i += chunk) {
            create(uncovered.subList(i, Math.min(uncovered.size(), i + chunk)), false);
        }
    }

    /** A subscription for these workers: batched when there are several, else to the worker alone. */
    private void create(List<String> members, boolean remade) {
        boolean batch = members.size() > 1;
        try {
            Address target = batch ? requests.self() : requests.address(desired.get(members.get(0)));
            Subscription s = new Subscription("sub-" + ids.incrementAndGet(), batch, target, members);
            s.remade = remade;
            subscriptions.add(s);
            members.forEach(m -> byWorker.put(m, s));
            begin(s);
        } catch (ParseException e) {
            LOG.warn("cannot watch {}: not a SIP URI ({})", desired.get(members.get(0)), e.getMessage());
            members.forEach(desired::remove);
        }
    }

    /** A worker is no longer watched: its subscription ends once none of its workers is watched through it. */
    private void drop(String worker) {
        Subscription s = byWorker.remove(worker);
        if (s != null && s.members.stream().noneMatch(m -> byWorker.get(m) == s)) {
            close(s);
        }
    }

    /** Unsubscribes everything; the future completes when the server answered every unsubscribe (or gave up). */
    public CompletableFuture<Void> closeAll() {
        enabled = false;
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Subscription s : List.copyOf(subscriptions)) {
            pending.add(close(s));
        }
        byWorker.clear();
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    // ---- one subscription's life (agent thread) ----

    /** Makes the subscription in a new dialog, once the pacer lets its SUBSCRIBE go. */
    private void begin(Subscription s) {
        s.state = State.SUBSCRIBING;
        int attempt = ++s.attempt;
        pacer.submit(() -> s.state == State.SUBSCRIBING && s.attempt == attempt ? sendInitial(s) : null);
    }

    private CompletableFuture<?> sendInitial(Subscription s) {
        DialogRef ref = new DialogRef(s, requests.newDialog(s.target));
        s.ref = ref;
        dialogs.put(ref.dialog.key(), ref);
        Request request;
        try {
            request = subscribe(ref, s.expires);
        } catch (ParseException | InvalidArgumentException e) {
            fail(s, "cannot be built: " + e.getMessage());
            return null;
        }
        CompletableFuture<Response> answer = transactions.send(request);
        // Queued on the SIP thread that completes the answer, so that a BENOTIFY sent right after the 200
        // cannot overtake the piggybacked first notification.
        answer.thenAccept(response -> queuePiggybacked(ref, response));
        answer.whenCompleteAsync((response, error) -> guarded(() -> onInitialAnswer(ref, response, error)), agent);
        return answer;
    }

    private Request subscribe(DialogRef ref, int expires) throws ParseException, InvalidArgumentException {
        Subscription s = ref.subscription;
        Request request = requests.inDialog(Request.SUBSCRIBE, ref.dialog);
        requests.add(request, "Event", "presence");
        request.addHeader(requests.headers().createExpiresHeader(expires));
        if (settings.dialect() == SipDialect.SIMPLE) {
            requests.add(request, "Accept", "application/pidf+xml");
            return request;
        }
        requests.add(request, "Accept", "application/msrtc-event-categories+xml");
        requests.add(request, "Accept", "application/rlmi+xml");
        requests.add(request, "Accept", "multipart/related");
        requests.add(request, "Supported", "ms-benotify");
        requests.add(request, "Proxy-Require", "ms-benotify");
        requests.add(request, "Supported", "ms-piggyback-first-notify");
        requests.add(request, "Supported", "eventlist");
        requests.add(request, "Require", "adhoclist");
        requests.add(request, "Require", "categoryList");
        List<String> workers =
                s.members.stream().map(m -> desired.getOrDefault(m, m)).toList();
        requests.body(
                request,
                CategorySubscriptionBody.CONTENT_TYPE,
                CategorySubscriptionBody.subscribe(
                        requests.self().getURI().toString(), workers, ids.incrementAndGet()));
        return request;
    }

    private void onInitialAnswer(DialogRef ref, Response response, Throwable error) {
        Subscription s = ref.subscription;
        if (s.ref != ref) {
            return;
        }
        if (response != null) {
            ref.dialog.usedLocalCSeq(cseqOf(response));
        }
        if (s.state == State.CLOSED) {
            // Unwatched while the SUBSCRIBE was on its way: end what the server just created.
            if (response != null && response.getStatusCode() / 100 == 2) {
                establish(ref.dialog, response);
                unsubscribe(ref);
            } else {
                retire(ref, false);
            }
            return;
        }
        if (error != null) {
            fail(s, "failed: " + messageOf(error));
            return;
        }
        int status = response.getStatusCode();
        if (status / 100 == 2) {
            establish(ref.dialog, response);
            int granted = grantedExpires(response, s.expires);
            s.state = State.ACTIVE;
            scheduleRefresh(s, ref, granted);
            if (s.remade) {
                LOG.debug("subscribed to {} again ({}, expires in {} s)", s.describe(), status, granted);
            } else {
                LOG.info(
                        "subscribed to {} ({} {}, expires in {} s)",
                        s.describe(),
                        status,
                        LogText.printable(response.getReasonPhrase()),
                        granted);
            }
            s.remade = false;
        } else if (status == Response.INTERVAL_TOO_BRIEF && minExpires(response) > s.expires) {
            retire(ref, false);
            s.expires = minExpires(response);
            begin(s);
        } else if (s.members.size() > 1 && splitsOn(status)) {
            split(s, status, response.getReasonPhrase());
        } else {
            fail(s, "refused: " + status + " " + LogText.printable(response.getReasonPhrase()));
        }
    }

    /**
     * Whether a refused batch is tried again in parts: it was too large (413, 513), or the refusal may concern only
     * some of its workers (another 4xx, but for a too brief interval, an unknown dialog or an unknown event package).
     */
    private static boolean splitsOn(int status) {
        return status == Response.MESSAGE_TOO_LARGE
                || status / 100 == 4
                        && status != Response.INTERVAL_TOO_BRIEF
                        && status != Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST
                        && status != Response.BAD_EVENT;
    }

    /**
     * Replaces a refused batch by smaller subscriptions of its workers still watched: after a 413 or 513, batches of
     * at most half its size from now on; after another refusal, its two halves, so that the workers the server
     * accepts get subscribed and a worker it refuses ends alone, retried with back-off.
     */
    private void split(Subscription s, int status, String reason) {
        retire(s.ref, false);
        s.state = State.CLOSED;
        subscriptions.remove(s);
        int refused = s.members.size();
        List<String> members = new ArrayList<>();
        for (String member : s.members) {
            if (byWorker.remove(member, s)) {
                members.add(member); // still watched through this batch
            }
        }
        int part;
        if (status == Response.REQUEST_ENTITY_TOO_LARGE || status == Response.MESSAGE_TOO_LARGE) {
            if (refused / 2 < batchLimit) {
                batchLimit = Math.max(1, refused / 2);
                LOG.info(
                        "a batched subscription of {} workers was refused ({} {}): batches of at most {} from now on",
                        refused,
                        status,
                        LogText.printable(reason),
                        batchLimit);
            }
            part = batchLimit;
        } else {
            part = (members.size() + 1) / 2;
            LOG.info("{} refused ({} {}): subscribing to its halves", s.describe(), status, LogText.printable(reason));
        }
        for (int i = 0; i < members.size(); i += part) {
            create(members.subList(i, Math.min(members.size(), i + part)), s.remade);
        }
    }

    private void scheduleRefresh(Subscription s, DialogRef ref, int grantedSeconds) {
        cancelTimer(s);
        s.expiresAtMillis = System.currentTimeMillis() + grantedSeconds * 1000L;
        s.timer = agent.schedule(
                () -> guarded(() -> refresh(ref)), SipTimers.refreshDelayMillis(grantedSeconds), TimeUnit.MILLISECONDS);
    }

    private void refresh(DialogRef ref) {
        Subscription s = ref.subscription;
        if (s.ref == ref && s.state == State.ACTIVE) {
            pacer.submit(() -> sendRefresh(ref));
        }
    }

    private CompletableFuture<?> sendRefresh(DialogRef ref) {
        Subscription s = ref.subscription;
        if (s.ref != ref || s.state != State.ACTIVE) {
            return null;
        }
        // a batch's refresh names only the workers still watched through it, and the server drops the others
        s.members.removeIf(m -> byWorker.get(m) != s);
        Request request;
        try {
            request = subscribe(ref, s.expires);
        } catch (ParseException | InvalidArgumentException e) {
            fail(s, "refresh cannot be built: " + e.getMessage());
            return null;
        }
        CompletableFuture<Response> answer = transactions.send(request);
        answer.whenCompleteAsync((response, error) -> guarded(() -> onRefreshAnswer(ref, response, error)), agent);
        return answer;
    }

    private void onRefreshAnswer(DialogRef ref, Response response, Throwable error) {
        Subscription s = ref.subscription;
        if (s.ref != ref || s.state != State.ACTIVE) {
            return;
        }
        if (error != null) {
            fail(s, "refresh failed: " + messageOf(error));
            return;
        }
        ref.dialog.usedLocalCSeq(cseqOf(response));
        int status = response.getStatusCode();
        if (status / 100 == 2) {
            s.failures = 0;
            int granted = grantedExpires(response, s.expires);
            scheduleRefresh(s, ref, granted);
            LOG.debug("refreshed subscription to {} (expires in {} s)", s.describe(), granted);
        } else if (status == Response.INTERVAL_TOO_BRIEF && minExpires(response) > s.expires) {
            s.expires = minExpires(response);
            refresh(ref);
        } else {
            fail(s, "refresh answered " + status + " " + LogText.printable(response.getReasonPhrase()));
        }
    }

    /** The server ended the subscription with a NOTIFY carrying {@code Subscription-State: terminated}. */
    private void onTerminated(DialogRef ref, String reason, int retryAfterSeconds) {
        Subscription s = ref.subscription;
        if (s.ref != ref || s.state == State.CLOSED || ref.closed) {
            return;
        }
        retire(ref, true);
        s.failures++;
        long delay = SipTimers.backoffMillis(settings.retryInitialMillis(), settings.retryMaxMillis(), s.failures);
        if (retryAfterSeconds > 0) {
            delay = Math.max(delay, retryAfterSeconds * 1000L);
        }
        retryLater(
                s,
                delay,
                "was ended by the server (" + (reason == null ? "no reason" : LogText.printable(reason)) + ")");
    }

    /** The server shortened the subscription in a NOTIFY: refresh in time for the shorter lifetime. */
    private void onShortened(DialogRef ref, int expiresSeconds) {
        Subscription s = ref.subscription;
        if (s.ref == ref
                && s.state == State.ACTIVE
                && s.expiresAtMillis - System.currentTimeMillis() > expiresSeconds * 1000L + 1000) {
            scheduleRefresh(s, ref, expiresSeconds);
        }
    }

    private void fail(Subscription s, String why) {
        retire(s.ref, false);
        s.failures++;
        long delay = SipTimers.backoffMillis(settings.retryInitialMillis(), settings.retryMaxMillis(), s.failures);
        retryLater(s, delay, why);
    }

    private void retryLater(Subscription s, long delay, String why) {
        s.state = State.WAITING;
        cancelTimer(s);
        LOG.warn("subscription to {} {}; subscribing again in {} ms", s.describe(), why, delay);
        s.timer = agent.schedule(() -> guarded(() -> retry(s)), delay, TimeUnit.MILLISECONDS);
    }

    private void retry(Subscription s) {
        if (s.state == State.WAITING) {
            resubscribe(s);
        }
    }

    /** Subscribes again for the members still watched through {@code s}, or drops it when there are none. */
    private void resubscribe(Subscription s) {
        s.members.removeIf(m -> byWorker.get(m) != s);
        if (s.members.isEmpty() || !enabled) {
            s.state = State.CLOSED;
            subscriptions.remove(s);
            s.members.forEach(m -> byWorker.remove(m, s));
            return;
        }
        begin(s);
    }

    private CompletableFuture<?> close(Subscription s) {
        subscriptions.remove(s);
        s.members.forEach(m -> byWorker.remove(m, s));
        cancelTimer(s);
        State was = s.state;
        s.state = State.CLOSED;
        if (was == State.ACTIVE && s.ref != null) {
            return unsubscribe(s.ref);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Ends the dialog with {@code Expires: 0} when the pacer lets it go; the future completes with its answer. */
    private CompletableFuture<?> unsubscribe(DialogRef ref) {
        retire(ref, true);
        CompletableFuture<Void> done = new CompletableFuture<>();
        pacer.submit(() -> {
            CompletableFuture<Response> answer;
            try {
                answer = transactions.send(subscribe(ref, 0));
            } catch (ParseException | InvalidArgumentException e) {
                LOG.debug("unsubscribe from {} cannot be built: {}", ref.subscription.describe(), e.getMessage());
                done.complete(null);
                return null;
            }
            answer.whenComplete((response, error) -> {
                if (error != null) {
                    LOG.debug("unsubscribe from {} failed: {}", ref.subscription.describe(), messageOf(error));
                }
                done.complete(null);
            });
            return answer;
        });
        return done;
    }

    /**
     * Ends a dialog: with grace it still answers late NOTIFYs with 200 for a while; without, later NOTIFYs get
     * 481 at once, which tells the server to drop its side.
     */
    private void retire(DialogRef ref, boolean grace) {
        if (ref == null) {
            return;
        }
        ref.closed = true;
        String key = ref.dialog.key();
        if (grace) {
            agent.schedule(() -> dialogs.remove(key, ref), CLOSED_DIALOG_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            dialogs.remove(key, ref);
        }
    }

    private static void cancelTimer(Subscription s) {
        if (s.timer != null) {
            s.timer.cancel(false);
            s.timer = null;
        }
    }

    private static void establish(DialogState dialog, Response response) {
        String tag = ((ToHeader) response.getHeader(ToHeader.NAME)).getTag();
        ContactHeader contact = (ContactHeader) response.getHeader(ContactHeader.NAME);
        List<Address> routes = new ArrayList<>();
        ListIterator<?> recordRoutes = response.getHeaders(RecordRouteHeader.NAME);
        while (recordRoutes.hasNext()) {
            // A UAC's route set is the Record-Route of the answer in reverse order.
            routes.add(0, ((RecordRouteHeader) recordRoutes.next()).getAddress());
        }
        dialog.establish(tag, contact == null ? null : contact.getAddress().getURI(), routes);
    }

    private static int grantedExpires(Response response, int requested) {
        ExpiresHeader expires = response.getExpires();
        if (expires != null && expires.getExpires() > 0) {
            return expires.getExpires();
        }
        return requested;
    }

    private static int minExpires(Response response) {
        MinExpiresHeader min = (MinExpiresHeader) response.getHeader(MinExpiresHeader.NAME);
        return min == null ? -1 : min.getExpires();
    }

    private static long cseqOf(Message message) {
        return ((CSeqHeader) message.getHeader(CSeqHeader.NAME)).getSeqNumber();
    }

    static String messageOf(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("subscription handling failed unexpectedly", e);
        }
    }

    // ---- notifications (SIP thread, then the subscription's lane) ----

    /** A NOTIFY or BENOTIFY from the stack (SIP thread). */
    public void onNotify(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        boolean answered = Request.NOTIFY.equals(method);
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        String toTag = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag();
        DialogRef ref = toTag == null ? null : dialogs.get(DialogState.key(callId, toTag));
        if (ref == null) {
            if (answered) {
                respond(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, "Subscription does not exist");
            }
            // after a move to another server, or sent by anyone: a line a minute per sender is enough
            InetAddress remote = ((SIPMessage) request).getRemoteAddress();
            String source = remote == null ? "an unknown address" : remote.getHostAddress();
            STRAYS.info(
                    method + " " + source,
                    method + " from " + LogText.printable(source) + " for no subscription of ours (Call-ID "
                            + LogText.printable(callId) + ") " + (answered ? "answered 481" : "dropped"));
            return;
        }
        if (ref.closed) {
            if (answered) {
                respond(request, Response.OK, null);
            }
            return;
        }
        Header stateHeader = request.getHeader(SubscriptionStateHeader.NAME);
        SubscriptionStateHeader subscriptionState = stateHeader instanceof SubscriptionStateHeader ssh ? ssh : null;
        String state = subscriptionState == null
                ? SubscriptionStateHeader.ACTIVE.toLowerCase(Locale.ROOT)
                : subscriptionState.getState().toLowerCase(Locale.ROOT);
        DialogState dialog = ref.dialog;
        if (!dialog.established()) {
            establishFromNotify(dialog, request);
        }
        long cseq = cseqOf(request);
        byte[] body = request.getRawContent();
        String contentType = contentTypeOf(request);
        // Queued before the 200 goes out: the server sends its next NOTIFY only after this answer, so even with
        // several SIP threads the lane sees the notifications of a dialog in the order they were sent.
        lanes.submit(ref.subscription.id, () -> read(ref, method, cseq, contentType, body, state));
        if (answered) {
            respond(request, Response.OK, null);
        }
        if (SubscriptionStateHeader.TERMINATED.equalsIgnoreCase(state)) {
            agent.execute(() -> guarded(
                    () -> onTerminated(ref, subscriptionState.getReasonCode(), subscriptionState.getRetryAfter())));
        } else if (subscriptionState != null
                && subscriptionState.getExpires() > 0
                && ref.subscription.expiresAtMillis - System.currentTimeMillis()
                        > subscriptionState.getExpires() * 1000L + 1000) {
            int expires = subscriptionState.getExpires();
            agent.execute(() -> guarded(() -> onShortened(ref, expires)));
        }
    }

    private static void establishFromNotify(DialogState dialog, Request notify) {
        String tag = ((FromHeader) notify.getHeader(FromHeader.NAME)).getTag();
        ContactHeader contact = (ContactHeader) notify.getHeader(ContactHeader.NAME);
        List<Address> routes = new ArrayList<>();
        ListIterator<?> recordRoutes = notify.getHeaders(RecordRouteHeader.NAME);
        while (recordRoutes.hasNext()) {
            // A NOTIFY that sets up the dialog gives the route set in Record-Route order (RFC 6665 4.1.2.4).
            routes.add(((RecordRouteHeader) recordRoutes.next()).getAddress());
        }
        dialog.establish(tag, contact == null ? null : contact.getAddress().getURI(), routes);
    }

    private void queuePiggybacked(DialogRef ref, Response response) {
        byte[] body = response.getRawContent();
        if (response.getStatusCode() / 100 == 2 && body != null && body.length > 0) {
            long cseq = cseqOf(response);
            String contentType = contentTypeOf(response);
            lanes.submit(
                    ref.subscription.id,
                    () -> read(
                            ref,
                            String.valueOf(response.getStatusCode()),
                            cseq,
                            contentType,
                            body,
                            SubscriptionStateHeader.ACTIVE.toLowerCase(Locale.ROOT)));
        }
    }

    private static String contentTypeOf(Message message) {
        Header header = message.getHeader(ContentTypeHeader.NAME);
        return header instanceof SIPHeader sip ? sip.getHeaderValue().trim() : null;
    }

    private void respond(Request request, int status, String reason) {
        try {
            Response response = requests.messages().createResponse(status, request);
            if (reason != null) {
                response.setReasonPhrase(reason);
            }
            // Stateless: no server transaction is kept for a notification.
            provider.sendResponse(response);
        } catch (ParseException | SipException e) {
            LOG.debug("cannot answer {} with {}: {}", request.getMethod(), status, e.getMessage());
        }
    }

    /** Lane: reads one notification's document and delivers its presences. */
    private void read(DialogRef ref, String method, long cseq, String contentType, byte[] body, String state) {
        Subscription s = ref.subscription;
        boolean piggybacked = !method.endsWith("NOTIFY");
        if (!ref.dialog.acceptCSeq(piggybacked, cseq)) {
            LOG.debug("{} CSeq {} for {} repeats or precedes an earlier one; ignored", method, cseq, s.describe());
            return;
        }
        if (body == null || body.length == 0) {
            return;
        }
        if (body.length > settings.maxBodySize()) {
            LOG.warn(
                    "{} for {} refused: body of {} bytes exceeds maxBodySize {}; subscription kept, last presence unchanged",
                    method,
                    s.describe(),
                    body.length,
                    settings.maxBodySize());
            return;
        }
        String subscribed = s.batch ? requests.self().getURI().toString() : desired.get(s.members.get(0));
        if (subscribed == null) {
            return;
        }
        List<Presence> presences;
        try {
            presences = reader.read(contentType, body, subscribed, Instant.now());
        } catch (PresenceDocumentException e) {
            LOG.warn(
                    "{} for {} refused: {}; subscription kept, last presence unchanged",
                    method,
                    s.describe(),
                    LogText.printable(e.reason()));
            return;
        } catch (RuntimeException e) {
            LOG.warn(
                    "{} for {} refused: unreadable presence document ({}); subscription kept, last presence unchanged",
                    method,
                    s.describe(),
                    LogText.printable(e.toString()));
            return;
        }
        for (Presence presence : presences) {
            String worker = s.batch ? desired.get(key(presence.sipUri())) : subscribed;
            if (worker == null || byWorker.get(key(worker)) != s) {
                continue;
            }
            Presence delivered = worker.equals(presence.sipUri())
                    ? presence
                    : new Presence(
                            worker,
                            presence.availability(),
                            presence.activity(),
                            presence.source(),
                            presence.publishTime());
            delivery.deliver(s.id, delivered, method, contentType, state);
        }
    }
}
