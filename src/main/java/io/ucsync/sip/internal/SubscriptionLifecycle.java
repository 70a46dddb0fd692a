package io.ucsync.sip.internal;

import io.ucsync.presence.LogText;
import io.ucsync.sip.SipDialect;
import io.ucsync.sip.internal.Subscription.DialogRef;
import io.ucsync.sip.internal.Subscription.State;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription's life, on the agent thread: the initial SUBSCRIBE in a new dialog, refreshes inside the dialog
 * before the granted time runs out, a longer interval after 423, retries with back-off when the server refuses, ends
 * the subscription or stops answering, and the unsubscribe with {@code Expires: 0}. Every SUBSCRIBE waits its turn in
 * the {@link SubscribePacer}. Its own class because it is the state machine of {@link Subscription.State}, apart from
 * {@link Subscriptions}, which decides which subscriptions exist and which workers each carries.
 */
final class SubscriptionLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionLifecycle.class);

    /** What becomes of a subscription's workers is decided by the watched set. */
    interface Owner {
        /** A retry is due: subscribe again for the members still watched, or drop the subscription. */
        void resubscribe(Subscription s);

        /** The server refused a batch for its size or for some of its workers: try its workers again in parts. */
        void split(Subscription s, int status, String reason);
    }

    private final Requests requests;
    private final Transactions transactions;
    private final ScheduledExecutorService agent;
    private final SubscribePacer pacer;
    private final SubscriptionDialogs dialogs;
    private final WatchedWorkers watched;
    private final NotificationReader notifications;
    private final Subscriptions.Settings settings;
    private final Owner owner;
    /** The ids of MS-PRES batchSub actions. */
    private final AtomicLong actions = new AtomicLong();

    SubscriptionLifecycle(
            Requests requests,
            Transactions transactions,
            ScheduledExecutorService agent,
            SubscribePacer pacer,
            SubscriptionDialogs dialogs,
            WatchedWorkers watched,
            NotificationReader notifications,
            Subscriptions.Settings settings,
            Owner owner) {
        this.requests = requests;
        this.transactions = transactions;
        this.agent = agent;
        this.pacer = pacer;
        this.dialogs = dialogs;
        this.watched = watched;
        this.notifications = notifications;
        this.settings = settings;
        this.owner = owner;
    }

    /** Makes the subscription in a new dialog, once the pacer lets its SUBSCRIBE go. */
    void begin(Subscription s) {
        s.state = State.SUBSCRIBING;
        int attempt = ++s.attempt;
        pacer.submit(() -> s.state == State.SUBSCRIBING && s.attempt == attempt ? sendInitial(s) : null);
    }

    /**
     * The front-end server in use failed: the subscription is dropped without a word to it (a late NOTIFY from it gets
     * 481) and waits, as it is (same id, same workers), to be subscribed again on the next server.
     */
    void suspend(Subscription s) {
        s.cancelTimer();
        dialogs.retire(s.ref, false);
        s.ref = null;
        s.state = State.SUSPENDED;
        s.remade = true;
        s.failures = 0;
        s.expires = settings.expires();
    }

    /** Ends the subscription; the future completes when the server answered its unsubscribe (or gave up). */
    CompletableFuture<?> close(Subscription s) {
        watched.forget(s);
        s.cancelTimer();
        State was = s.state;
        s.state = State.CLOSED;
        if (was == State.ACTIVE && s.ref != null) {
            return unsubscribe(s.ref);
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<?> sendInitial(Subscription s) {
        DialogRef ref = dialogs.open(s, requests.newDialog(s.target));
        s.ref = ref;
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
        answer.thenAccept(response -> notifications.queuePiggybacked(ref, response));
        answer.whenCompleteAsync((response, error) -> guarded(() -> onInitialAnswer(ref, response, error)), agent);
        return answer;
    }

    /** A SUBSCRIBE in the dialog: SIMPLE asks for PIDF; MS-PRES names the workers in a batchSub's adhocList. */
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
        List<String> workers = s.members.stream()
                .map(m -> Objects.requireNonNullElse(watched.uri(m), m))
                .toList();
        requests.body(
                request,
                CategorySubscriptionBody.CONTENT_TYPE,
                CategorySubscriptionBody.subscribe(
                        requests.self().getURI().toString(), workers, actions.incrementAndGet()));
        return request;
    }

    private void onInitialAnswer(DialogRef ref, Response response, Throwable error) {
        Subscription s = ref.subscription;
        if (s.ref != ref) {
            return;
        }
        if (response != null) {
            ref.dialog.usedLocalCSeq(Requests.cseqOf(response));
        }
        if (s.state == State.CLOSED) {
            // Unwatched while the SUBSCRIBE was on its way: end what the server just created.
            if (response != null && response.getStatusCode() / 100 == 2) {
                establish(ref.dialog, response);
                unsubscribe(ref);
            } else {
                dialogs.retire(ref, false);
            }
            return;
        }
        if (error != null) {
            fail(s, "failed: " + Subscriptions.messageOf(error));
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
            dialogs.retire(ref, false);
            s.expires = minExpires(response);
            begin(s);
        } else if (s.members.size() > 1 && Batches.splitsOn(status)) {
            owner.split(s, status, response.getReasonPhrase());
        } else {
            fail(s, "refused: " + status + " " + LogText.printable(response.getReasonPhrase()));
        }
    }

    private void scheduleRefresh(Subscription s, DialogRef ref, int grantedSeconds) {
        s.cancelTimer();
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
        watched.prune(s);
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
            fail(s, "refresh failed: " + Subscriptions.messageOf(error));
            return;
        }
        ref.dialog.usedLocalCSeq(Requests.cseqOf(response));
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
    void onTerminated(DialogRef ref, String reason, int retryAfterSeconds) {
        Subscription s = ref.subscription;
        if (s.ref != ref || s.state == State.CLOSED || ref.closed) {
            return;
        }
        dialogs.retire(ref, true);
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
    void onShortened(DialogRef ref, int expiresSeconds) {
        Subscription s = ref.subscription;
        if (s.ref == ref
                && s.state == State.ACTIVE
                && s.expiresAtMillis - System.currentTimeMillis() > expiresSeconds * 1000L + 1000) {
            scheduleRefresh(s, ref, expiresSeconds);
        }
    }

    private void fail(Subscription s, String why) {
        dialogs.retire(s.ref, false);
        s.failures++;
        long delay = SipTimers.backoffMillis(settings.retryInitialMillis(), settings.retryMaxMillis(), s.failures);
        retryLater(s, delay, why);
    }

    private void retryLater(Subscription s, long delay, String why) {
        s.state = State.WAITING;
        s.cancelTimer();
        LOG.warn("subscription to {} {}; subscribing again in {} ms", s.describe(), why, delay);
        s.timer = agent.schedule(() -> guarded(() -> retry(s)), delay, TimeUnit.MILLISECONDS);
    }

    private void retry(Subscription s) {
        if (s.state == State.WAITING) {
            owner.resubscribe(s);
        }
    }

    /** Ends the dialog with {@code Expires: 0} when the pacer lets it go; the future completes with its answer. */
    private CompletableFuture<?> unsubscribe(DialogRef ref) {
        dialogs.retire(ref, true);
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
                    LOG.debug(
                            "unsubscribe from {} failed: {}",
                            ref.subscription.describe(),
                            Subscriptions.messageOf(error));
                }
                done.complete(null);
            });
            return answer;
        });
        return done;
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

    /** Runs a task of the agent thread, logging what it throws instead of losing it in the executor. */
    static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("subscription handling failed unexpectedly", e);
        }
    }
}
