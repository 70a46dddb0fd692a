package io.ucsync.lab.frontend;

import io.ucsync.lab.frontend.FrontEndEmulator.SubscriptionInfo;
import io.ucsync.presence.LogText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriptions the front end holds, by Call-ID and by the workers they watch, so that a change reaches its
 * watchers without a search; and their ends: expiry, a drop of all, a watcher that refuses a notification. Apart from
 * the SIP handling because the control API and the expiry timer reach them too.
 * <p>
 * Not thread-safe: guarded by the front end's lock.
 */
final class Watchers {

    private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);

    /** Live subscription dialogs and the workers they watch (a batch of three counts three). */
    record LiveCount(int dialogs, int watched) {}

    private final Notifications notifications;
    private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
    /** The subscriptions watching each worker, by key, then by Call-ID. */
    private final Map<String, Map<String, Subscription>> subscriptionsByWorker = new HashMap<>();

    Watchers(Notifications notifications) {
        this.notifications = notifications;
    }

    /** The subscription of that dialog, or null. */
    Subscription get(String callId) {
        return subscriptions.get(callId);
    }

    void keep(Subscription subscription) {
        subscriptions.put(subscription.callId, subscription);
    }

    /** Sets the workers a subscription watches and indexes it under each. */
    void watch(Subscription subscription, List<String> uris) {
        unindex(subscription);
        subscription.uris.clear();
        List<String> workers = new ArrayList<>(uris.size());
        for (String uri : uris) {
            workers.add(WorkerPresences.key(uri));
            subscription.uris.put(WorkerPresences.key(uri), uri);
        }
        subscription.workers = workers;
        for (String worker : workers) {
            subscriptionsByWorker
                    .computeIfAbsent(worker, w -> new LinkedHashMap<>())
                    .put(subscription.callId, subscription);
        }
    }

    /** Takes a subscription out of the index of watched workers. */
    void unindex(Subscription subscription) {
        if (subscription.workers == null) {
            return;
        }
        for (String worker : subscription.workers) {
            Map<String, Subscription> watchers = subscriptionsByWorker.get(worker);
            if (watchers != null) {
                watchers.remove(subscription.callId);
                if (watchers.isEmpty()) {
                    subscriptionsByWorker.remove(worker);
                }
            }
        }
    }

    /** Removes a subscription; false when there was none. */
    boolean forget(String callId) {
        Subscription subscription = subscriptions.remove(callId);
        if (subscription == null) {
            return false;
        }
        unindex(subscription);
        return true;
    }

    /** Tells every subscription watching the worker what the worker now shows. */
    void notifyWatchers(String sipUri) {
        String worker = WorkerPresences.key(sipUri);
        Map<String, Subscription> watchers = subscriptionsByWorker.getOrDefault(worker, Map.of());
        Instant now = Instant.now();
        for (Subscription subscription : List.copyOf(watchers.values())) {
            if (!subscription.expires.isAfter(now)) {
                continue;
            }
            notifications.send(
                    subscription,
                    "active;expires=" + Math.max(1, subscription.expires.getEpochSecond() - now.getEpochSecond()),
                    notifications.change(subscription, worker));
        }
    }

    /** Ends the subscriptions not refreshed in time, telling each subscriber (RFC 6665 reason timeout). */
    void endExpired() {
        Instant now = Instant.now();
        for (Subscription subscription : List.copyOf(subscriptions.values())) {
            if (!subscription.expires.isAfter(now)) {
                LOG.info(
                        "subscription of {} to {} expired",
                        LogText.printable(subscription.watcher.getURI().toString()),
                        LogText.printable(subscription.target.getURI().toString()));
                notifications.send(subscription, "terminated;reason=timeout", null);
                forget(subscription.callId);
            }
        }
    }

    /** Ends every subscription with a terminating notification; returns how many. */
    int dropAll() {
        int dropped = subscriptions.size();
        for (Subscription subscription : subscriptions.values()) {
            notifications.send(subscription, "terminated;reason=deactivated", null);
        }
        subscriptions.clear();
        subscriptionsByWorker.clear();
        return dropped;
    }

    /** Every live subscription, one entry per watched worker. */
    List<SubscriptionInfo> list() {
        Instant now = Instant.now();
        List<SubscriptionInfo> list = new ArrayList<>();
        for (Subscription subscription : subscriptions.values()) {
            if (subscription.expires.isAfter(now)) {
                for (String worker : subscription.workers) {
                    list.add(new SubscriptionInfo(
                            subscription.watcher.getURI().toString(),
                            subscription.uris.get(worker),
                            subscription.expires));
                }
            }
        }
        return list;
    }

    LiveCount liveCount() {
        int dialogs = 0;
        int watched = 0;
        Instant now = Instant.now();
        for (Subscription subscription : subscriptions.values()) {
            if (subscription.expires.isAfter(now)) {
                dialogs++;
                watched += subscription.workers.size();
            }
        }
        return new LiveCount(dialogs, watched);
    }
}
