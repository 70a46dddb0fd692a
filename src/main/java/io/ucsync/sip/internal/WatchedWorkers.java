package io.ucsync.sip.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watched workers and the subscriptions that deliver them: which workers are wanted, which subscription carries
 * each, and which subscriptions are alive. Apart from {@link Subscriptions}, which changes the watched set, because the
 * life of each subscription ({@link SubscriptionLifecycle}) and the notification lanes ({@link NotificationReader}) look
 * workers up here too.
 * <p>
 * Workers are keyed by {@link Subscriptions#key}. Written on the agent thread; the workers and which subscription
 * carries each are read from any thread, the set of subscriptions on the agent thread only.
 */
final class WatchedWorkers {

    /** Watched workers: normalized URI to the URI as given. */
    private final Map<String, String> desired = new ConcurrentHashMap<>();
    /** Which subscription delivers each watched worker. */
    private final Map<String, Subscription> byWorker = new ConcurrentHashMap<>();

    private final Set<Subscription> subscriptions = new LinkedHashSet<>();

    /** Watches a worker; false when it was watched already. */
    boolean add(String key, String uri) {
        return desired.putIfAbsent(key, uri) == null;
    }

    /** Stops watching a worker; false when it was not watched. */
    boolean remove(String key) {
        return desired.remove(key) != null;
    }

    /** The watched workers' keys (a live view). */
    Set<String> keys() {
        return desired.keySet();
    }

    /** The worker's URI as given, or null when it is not watched. */
    String uri(String key) {
        return desired.get(key);
    }

    /** The watched workers, as given. */
    Set<String> uris() {
        return Set.copyOf(desired.values());
    }

    /** Whether a worker is watched and no subscription carries it yet. */
    boolean uncovered(String key) {
        return desired.containsKey(key) && !byWorker.containsKey(key);
    }

    /** Whether the worker is delivered through {@code s}. */
    boolean carries(Subscription s, String key) {
        return byWorker.get(key) == s;
    }

    /** A new subscription, carrying its members. */
    void open(Subscription s) {
        subscriptions.add(s);
        s.members.forEach(m -> byWorker.put(m, s));
    }

    /** The worker is no longer carried; returns the subscription that carried it, if any. */
    Subscription release(String key) {
        return byWorker.remove(key);
    }

    /**
     * The subscription is gone: it carries none of its members any more. Returns those it still carried, in order.
     */
    List<String> forget(Subscription s) {
        subscriptions.remove(s);
        List<String> carried = new ArrayList<>();
        for (String member : s.members) {
            if (byWorker.remove(member, s)) {
                carried.add(member);
            }
        }
        return carried;
    }

    /** Drops the members that are no longer delivered through {@code s}. */
    void prune(Subscription s) {
        s.members.removeIf(m -> byWorker.get(m) != s);
    }

    /** The subscriptions alive (agent thread). */
    List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    /** No worker is carried by any subscription any more. */
    void releaseAll() {
        byWorker.clear();
    }

    /** The state of each watched worker's subscription, by the worker's URI as given. */
    Map<String, String> states() {
        Map<String, String> states = new TreeMap<>();
        for (Map.Entry<String, String> e : desired.entrySet()) {
            states.put(e.getValue(), stateOf(e.getKey()));
        }
        return states;
    }

    /**
     * How many watched workers' subscriptions are in each state of {@link #states()}, in one pass over the carried
     * workers, without looking each watched worker up (at 100,000 workers, the lookups were 7% of ucsync's CPU: the
     * dashboard counts every second, each Prometheus scrape twice). A carried worker is a watched one: a worker is
     * released on the agent thread right after it is no longer watched, so a count read in between is one too high.
     */
    Map<String, Integer> stateCounts() {
        Map<Subscription.State, Integer> carried = new EnumMap<>(Subscription.State.class);
        int subscribed = 0;
        for (Subscription s : byWorker.values()) {
            Subscription.State state = s.state;
            if (state != Subscription.State.SUSPENDED) {
                carried.merge(state, 1, Integer::sum);
                subscribed++;
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        carried.forEach((state, count) -> counts.put(state.name(), count));
        int idle = desired.size() - subscribed;
        if (idle > 0) {
            counts.put("IDLE", idle);
        }
        return counts;
    }

    private String stateOf(String key) {
        Subscription s = byWorker.get(key);
        return s == null || s.state == Subscription.State.SUSPENDED ? "IDLE" : s.state.name();
    }
}
