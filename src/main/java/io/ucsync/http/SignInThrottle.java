package io.ucsync.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down password guessing: after {@link #MAX_FAILURES_PER_ACCOUNT} failed sign-ins for one account from one
 * address, or {@link #MAX_FAILURES_PER_ADDRESS} for any accounts from one address, within {@link #WINDOW}, further
 * attempts from that address are refused until the oldest failure leaves the window. Keyed by address as well as
 * account, so that a guesser elsewhere cannot lock a worker out of their own page. Bounded: the least recently
 * failing keys are forgotten first.
 */
final class SignInThrottle {

    static final int MAX_FAILURES_PER_ACCOUNT = 5;
    static final int MAX_FAILURES_PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long the address must wait before it may try this account again, or empty when it may try now. */
    synchronized Optional<Duration> retryAfter(String account, String address) {
        Instant now = clock.instant();
        Optional<Duration> byAccount = wait(accountKey(account, address), MAX_FAILURES_PER_ACCOUNT, now);
        return byAccount.isPresent() ? byAccount : wait(address, MAX_FAILURES_PER_ADDRESS, now);
    }

    synchronized void failed(String account, String address) {
        Instant now = clock.instant();
        failures.computeIfAbsent(accountKey(account, address), key -> new ArrayDeque<>())
                .addLast(now);
        failures.computeIfAbsent(address, key -> new ArrayDeque<>()).addLast(now);
    }

    /** A right password clears the account's failures from that address (not the address's count over all accounts). */
    synchronized void succeeded(String account, String address) {
        failures.remove(accountKey(account, address));
    }

    private Optional<Duration> wait(String key, int allowed, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
            times.removeFirst();
        }
        if (times.isEmpty()) {
            failures.remove(key);
            return Optional.empty();
        }
        if (times.size() < allowed) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, times.peekFirst().plus(WINDOW)));
    }

    private static String accountKey(String account, String address) {
        return account + "\n" + address;
    }
}
